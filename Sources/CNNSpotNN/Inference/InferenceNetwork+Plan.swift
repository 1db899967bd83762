extension InferenceNetwork {
    /// Walks the stages for one batch shape (after the input transform) and builds its plan
    /// (see `InferencePlanBuilder`). Throws `exceedsMemoryLimit` before allocating anything if
    /// the activations would not fit.
    func buildPlan(_ key: InferencePlan.Key, memoryLimit: Int) throws -> InferencePlan {
        typealias Role = InferencePlanBuilder.Role
        var b = InferencePlanBuilder(key: key, options: options)
        let n = key.n
        let inputDesc = try DNNLMemoryDesc.plain([n, 3, key.h, key.w])
        guard case .conv(let stem)? = stages.first else {
            throw InferenceError.invalidValue(key: spec.architecture.rawValue, reason: "the first layer must be a convolution")
        }

        // Stem: let oneDNN pick the input layout; read the caller's buffer directly if it is plain.
        var probe = InferencePlanBuilder(key: key, options: options)
        _ = try probe.conv(
            stem, src: .input, srcDesc: .any([n, 3, key.h, key.w], dataType: options.dataType), h: key.h, w: key.w,
            dst: (.a, nil), sum: false, activation: stem.activation)
        let wanted = probe.steps[0].pd.md(.src)
        let stemInput: InferencePlanBuilder.Target
        if wanted.isEqual(to: inputDesc) {
            stemInput = .input
        } else {
            try b.reorder(from: .input, inputDesc, to: .reorderedInput, wanted, what: "input reorder")
            stemInput = .activation(.reorderedInput, wanted)
        }
        let stemOut = try b.conv(
            stem, src: stemInput, srcDesc: wanted, h: key.h, w: key.w, dst: (.a, nil), sum: false,
            activation: stem.activation)
        var (h, w) = (stem.outputSize(key.h), stem.outputSize(key.w))
        var current: (Role, DNNLMemoryDesc) = (.a, stemOut)
        var channels = stem.outChannels

        // Stage outputs ping-pong between `a` and `b`; inner convs of a block use t1, t2.
        for stage in stages.dropFirst() {
            let other: Role = current.0 == .a ? .b : .a
            switch stage {
            case .conv(let c):
                let out = try b.conv(
                    c, src: .activation(current.0, current.1), srcDesc: current.1, h: h, w: w,
                    dst: (other, nil), sum: false, activation: c.activation)
                current = (other, out)
                (h, w) = (c.outputSize(h), c.outputSize(w))
                channels = c.outChannels
            case .maxPool(let k, let s, let p):
                let out = try b.pool(
                    max: true, src: current, channels: channels, h: h, w: w,
                    kernel: (k, k), stride: s, padding: p, dst: other, what: "maxpool")
                current = (other, out)
                (h, w) = ((h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1)
            case .residual(let main, let downsample, let activation):
                let x = current
                var shortcut = x
                if let ds = downsample {
                    let out = try b.conv(
                        ds, src: .activation(x.0, x.1), srcDesc: x.1, h: h, w: w, dst: (other, nil),
                        sum: false, activation: ds.activation)
                    shortcut = (other, out)
                }
                var src = x, (ch, cw) = (h, w)
                for (i, conv) in main.enumerated() {
                    let last = i == main.count - 1
                    let dst: (Role, DNNLMemoryDesc?) = last ? (shortcut.0, shortcut.1) : (i % 2 == 0 ? .t1 : .t2, nil)
                    let out = try b.conv(
                        conv, src: .activation(src.0, src.1), srcDesc: src.1, h: ch, w: cw,
                        dst: dst, sum: last, activation: last ? activation : conv.activation)
                    src = (dst.0, out)
                    (ch, cw) = (conv.outputSize(ch), conv.outputSize(cw))
                }
                current = src
                (h, w) = (ch, cw)
                channels = main.last!.outChannels
            }
        }

        // Global average pool to [N, F, 1, 1], then plain [N, F] for the head.
        let features = head.inFeatures
        let avg = try b.pool(
            max: false, src: current, channels: features, h: h, w: w,
            kernel: (h, w), stride: 1, padding: 0, dst: .pooled, what: "avgpool")
        let plain4 = try DNNLMemoryDesc.plain([n, features, 1, 1])
        try b.reorder(from: .activation(.pooled, avg), avg, to: .pooledPlain, plain4, what: "avgpool to plain")
        try b.linear(head, src: try DNNLMemoryDesc.plain([n, features]))

        let bytes = b.roleBytes.values.reduce(0, +)
        guard bytes <= memoryLimit else {
            throw InferenceError.exceedsMemoryLimit(shape: [n, 3, key.h, key.w], bytes: bytes, limit: memoryLimit)
        }
        return try b.finish(input: inputDesc, outputDims: [n, head.outFeatures])
    }
}
