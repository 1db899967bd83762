/// Building the inference graph from a state dict: shapes checked against the description,
/// BatchNorm folded into the preceding convolution in Double, rounded to Float.
extension InferenceNetwork {
    /// PyTorch `BatchNorm2d` default epsilon (torchvision's ResNets do not change it).
    static let batchNormEpsilon = 1e-5

    /// The stages and the head, folded.
    /// `keepPlain3x3`: keep the plain copy of stride-1 3x3 conv weights (Winograd layouts are
    /// made from it, per batch shape).
    static func fold(_ d: NetworkDescription, _ stateDict: StateDict, keepPlain3x3: Bool) throws
        -> (stages: [InferenceStage], head: InferenceLinear)
    {
        let expected = Dictionary(d.stateDictShapes.map { ($0.key, $0.shape) }, uniquingKeysWith: { a, _ in a })
        func tensor(_ key: String) throws -> HostTensor {
            guard let t = stateDict[key] else { throw InferenceError.missingKey(key) }
            let shape = expected[key] ?? []
            guard t.shape == shape else { throw InferenceError.shapeMismatch(key: key, expected: shape, actual: t.shape) }
            return t
        }
        func conv(_ u: NetworkDescription.Unit) throws -> InferenceConv {
            let convKey = u.conv.key, bnKey = u.batchNorm.key
            let w = try tensor(convKey + ".weight")
            let convBias = u.conv.bias ? try tensor(convKey + ".bias") : nil
            let gamma = try tensor(bnKey + ".weight"), beta = try tensor(bnKey + ".bias")
            let mean = try tensor(bnKey + ".running_mean"), variance = try tensor(bnKey + ".running_var")
            let o = w.shape[0]
            let perChannel = w.count / o
            var weights = [Float](repeating: 0, count: w.count)
            var bias = [Float](repeating: 0, count: o)
            for c in 0..<o {
                let v = Double(variance.data[c]) + u.batchNorm.eps
                guard v > 0, v.isFinite else {
                    throw InferenceError.invalidValue(
                        key: bnKey + ".running_var",
                        reason: "channel \(c) has variance \(variance.data[c]); BatchNorm needs var + eps > 0")
                }
                let scale = Double(gamma.data[c]) / v.squareRoot()
                let b0 = Double(convBias?.data[c] ?? 0)
                bias[c] = Float(Double(beta.data[c]) + (b0 - Double(mean.data[c])) * scale)
                for j in c * perChannel..<(c + 1) * perChannel {
                    weights[j] = Float(Double(w.data[j]) * scale)
                }
            }
            if let bad = weights.firstIndex(where: { !$0.isFinite }) ?? bias.firstIndex(where: { !$0.isFinite }) {
                throw InferenceError.invalidValue(key: convKey + ".weight", reason: "non-finite value after folding \(bnKey) (element \(bad))")
            }
            let plain = keepPlain3x3 && u.conv.kernel == 3 && u.conv.stride == 1 && u.conv.groups == 1
            return InferenceConv(
                description: u.conv, activation: u.activation,
                weights: try InferenceParameter(dims: InferenceConv.weightDims(u.conv), values: weights, keepPlain: plain),
                bias: try InferenceParameter(dims: [o], values: bias))
        }

        var stages: [InferenceStage] = []
        for layer in d.layers {
            switch layer {
            case .unit(let u): stages.append(.conv(try conv(u)))
            case .maxPool(let k, let s, let p): stages.append(.maxPool(kernel: k, stride: s, padding: p))
            case .residual(let r):
                guard r.shortcut.count <= 1, !r.main.isEmpty else {
                    throw InferenceError.invalidValue(key: r.key, reason: "residual blocks need a main path and at most one shortcut conv")
                }
                stages.append(.residual(main: try r.main.map(conv), shortcut: try r.shortcut.first.map(conv), activation: r.activation))
            }
        }
        let wKey = d.head.key + ".weight", bKey = d.head.key + ".bias"
        let fcW = try tensor(wKey), fcB = try tensor(bKey)
        if let bad = fcW.data.firstIndex(where: { !$0.isFinite }) ?? fcB.data.firstIndex(where: { !$0.isFinite }) {
            throw InferenceError.invalidValue(key: d.head.key, reason: "non-finite value (element \(bad))")
        }
        let head = InferenceLinear(
            inFeatures: fcW.shape[1], outFeatures: fcW.shape[0],
            weights: try InferenceParameter(dims: fcW.shape, values: fcW.data),
            bias: try InferenceParameter(dims: fcB.shape, values: fcB.data))
        return (stages, head)
    }
}
