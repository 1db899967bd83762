/// Building the inference graph from a torchvision state dict: shapes checked against
/// `ResNetSpec`, BatchNorm folded into the preceding convolution in Double, rounded to Float.
extension InferenceNetwork {
    /// PyTorch `BatchNorm2d` default epsilon (torchvision's ResNets do not change it).
    static let batchNormEpsilon = 1e-5

    /// The stem conv, the residual blocks and `fc`, folded.
    /// `keepPlain3x3`: keep the plain copy of stride-1 3x3 conv weights (Winograd layouts are
    /// made from it, per batch shape).
    static func fold(_ spec: ResNetSpec, _ stateDict: StateDict, keepPlain3x3: Bool) throws
        -> (stem: InferenceConv, blocks: [InferenceBlock], fc: InferenceLinear) {
        let expected = Dictionary(spec.stateDictShapes.map { ($0.key, $0.shape) }, uniquingKeysWith: { a, _ in a })
        func tensor(_ key: String) throws -> HostTensor {
            guard let t = stateDict[key] else { throw InferenceError.missingKey(key) }
            let shape = expected[key] ?? []
            guard t.shape == shape else { throw InferenceError.shapeMismatch(key: key, expected: shape, actual: t.shape) }
            return t
        }
        func conv(_ convKey: String, _ bnKey: String, stride: Int, padding: Int) throws -> InferenceConv {
            let w = try tensor(convKey + ".weight")
            let gamma = try tensor(bnKey + ".weight"), beta = try tensor(bnKey + ".bias")
            let mean = try tensor(bnKey + ".running_mean"), variance = try tensor(bnKey + ".running_var")
            let (o, i, k) = (w.shape[0], w.shape[1], w.shape[2])
            let perChannel = i * k * k
            var weights = [Float](repeating: 0, count: w.count)
            var bias = [Float](repeating: 0, count: o)
            for c in 0..<o {
                let v = Double(variance.data[c]) + batchNormEpsilon
                guard v > 0, v.isFinite else {
                    throw InferenceError.invalidValue(key: bnKey + ".running_var",
                                                      reason: "channel \(c) has variance \(variance.data[c]); BatchNorm needs var + eps > 0")
                }
                let scale = Double(gamma.data[c]) / v.squareRoot()
                bias[c] = Float(Double(beta.data[c]) - Double(mean.data[c]) * scale)
                for j in c * perChannel..<(c + 1) * perChannel {
                    weights[j] = Float(Double(w.data[j]) * scale)
                }
            }
            if let bad = weights.firstIndex(where: { !$0.isFinite }) ?? bias.firstIndex(where: { !$0.isFinite }) {
                throw InferenceError.invalidValue(key: convKey + ".weight", reason: "non-finite value after folding \(bnKey) (element \(bad))")
            }
            return InferenceConv(key: convKey, inChannels: i, outChannels: o, kernel: k, stride: stride, padding: padding,
                                 weights: try InferenceParameter(dims: w.shape, values: weights,
                                                                 keepPlain: keepPlain3x3 && k == 3 && stride == 1),
                                 bias: try InferenceParameter(dims: [o], values: bias))
        }

        let stem = try conv("conv1", "bn1", stride: 2, padding: 3)
        var blocks: [InferenceBlock] = []
        for b in spec.blocks {
            let p = b.prefix
            let convs: [InferenceConv]
            if spec.isBottleneck {
                convs = [try conv(p + ".conv1", p + ".bn1", stride: 1, padding: 0),
                         try conv(p + ".conv2", p + ".bn2", stride: b.stride, padding: 1),
                         try conv(p + ".conv3", p + ".bn3", stride: 1, padding: 0)]
            } else {
                convs = [try conv(p + ".conv1", p + ".bn1", stride: b.stride, padding: 1),
                         try conv(p + ".conv2", p + ".bn2", stride: 1, padding: 1)]
            }
            let downsample = b.hasDownsample
                ? try conv(p + ".downsample.0", p + ".downsample.1", stride: b.stride, padding: 0) : nil
            blocks.append(InferenceBlock(convs: convs, downsample: downsample))
        }
        let fcW = try tensor("fc.weight"), fcB = try tensor("fc.bias")
        if let bad = fcW.data.firstIndex(where: { !$0.isFinite }) ?? fcB.data.firstIndex(where: { !$0.isFinite }) {
            throw InferenceError.invalidValue(key: "fc", reason: "non-finite value (element \(bad))")
        }
        let fc = InferenceLinear(inFeatures: fcW.shape[1], outFeatures: fcW.shape[0],
                                 weights: try InferenceParameter(dims: fcW.shape, values: fcW.data),
                                 bias: try InferenceParameter(dims: fcB.shape, values: fcB.data))
        return (stem, blocks, fc)
    }
}
