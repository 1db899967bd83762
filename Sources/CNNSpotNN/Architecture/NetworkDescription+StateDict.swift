/// The state-dict keys and shapes a description implies, in PyTorch's `state_dict()` order.
///
/// PyTorch lists a module's own parameters, then its buffers, then its children in the order
/// they were assigned in `__init__`. Every network here assigns its layers in forward order,
/// each block its main path before its shortcut (torchvision's `downsample`, registered last),
/// so walking the description in forward order gives that order.
extension NetworkDescription {
    /// Every conv+BN unit in forward order (main path before shortcut within a block).
    public var units: [Unit] {
        layers.flatMap { layer -> [Unit] in
            switch layer {
            case .unit(let u): return [u]
            case .maxPool: return []
            case .residual(let r): return r.main + r.shortcut
            }
        }
    }

    /// Every state-dict entry (parameters and buffers) with its shape, in PyTorch's order.
    /// `num_batches_tracked` has shape `[]`.
    public var stateDictShapes: [(key: String, shape: [Int])] {
        var out: [(key: String, shape: [Int])] = []
        for u in units {
            out.append((u.conv.key + ".weight", u.conv.weightShape))
            if u.conv.bias { out.append((u.conv.key + ".bias", [u.conv.outChannels])) }
            let c = u.batchNorm.channels
            for name in ["weight", "bias", "running_mean", "running_var"] { out.append((u.batchNorm.key + "." + name, [c])) }
            out.append((u.batchNorm.key + ".num_batches_tracked", []))
        }
        out.append((head.key + ".weight", [head.outFeatures, head.inFeatures]))
        out.append((head.key + ".bias", [head.outFeatures]))
        return out
    }

    /// The trainable parameters in `model.parameters()` order: the order PyTorch's optimizer
    /// state dicts index (`state[i]`). Buffers (`running_*`, `num_batches_tracked`) excluded.
    public var parameterKeys: [String] {
        stateDictShapes.map(\.key).filter {
            !$0.hasSuffix(".running_mean") && !$0.hasSuffix(".running_var") && !$0.hasSuffix(".num_batches_tracked")
        }
    }

    /// Number of trainable values.
    public var parameterCount: Int {
        let keys = Set(parameterKeys)
        return stateDictShapes.filter { keys.contains($0.key) }.reduce(0) { $0 + $1.shape.reduce(1, *) }
    }

    /// Every missing, unexpected or mis-shaped key, by name (empty when the dict fits).
    public func mismatches(_ shapes: [String: [Int]]) -> [String] {
        var problems: [String] = []
        var expected: [String: [Int]] = [:]
        for (k, s) in stateDictShapes { expected[k] = s }
        for (k, s) in stateDictShapes {
            guard let got = shapes[k] else { problems.append("missing key `\(k)` (expected shape \(s))"); continue }
            // num_batches_tracked is a scalar; some writers store it as [1].
            if got != s && !(s.isEmpty && got.reduce(1, *) == 1) {
                problems.append("key `\(k)`: shape \(got), expected \(s)")
            }
        }
        for k in shapes.keys.sorted() where expected[k] == nil {
            problems.append("unexpected key `\(k)` (shape \(shapes[k]!))")
        }
        return problems
    }

    /// Output height or width of the layers before the pool for an input of size `x`
    /// (after the input transform), or nil if some layer would get an empty input.
    public func featureSize(_ x: Int) -> Int? {
        var s = x
        if case .neighbouringPixelResidual = inputTransform { s -= s % 2 }
        func conv(_ c: ConvDescription) -> Bool {
            let (a, b) = c.pads(s)
            guard s + a + b >= c.kernel else { return false }
            s = c.outputSize(s)
            return s >= 1
        }
        for layer in layers {
            switch layer {
            case .unit(let u): guard conv(u.conv) else { return nil }
            case .maxPool(let k, let st, let p):
                guard s + 2 * p >= k else { return nil }
                s = (s + 2 * p - k) / st + 1
            case .residual(let r):
                let start = s
                for u in r.main { guard conv(u.conv) else { return nil } }
                let end = s
                s = start
                for u in r.shortcut { guard conv(u.conv) else { return nil } }
                if !r.shortcut.isEmpty && s != end { return nil }
                s = end
            }
        }
        return s
    }
}
