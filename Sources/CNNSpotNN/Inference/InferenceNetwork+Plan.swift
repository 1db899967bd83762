import CDNNL

extension InferenceNetwork {
    /// Walks the ResNet for one batch shape and builds its plan (see `InferencePlanBuilder`).
    /// Throws `exceedsMemoryLimit` before allocating anything if the activations would not fit.
    func buildPlan(_ key: InferencePlan.Key, memoryLimit: Int) throws -> InferencePlan {
        typealias Role = InferencePlanBuilder.Role
        var b = InferencePlanBuilder(key: key, options: options)
        let n = key.n
        let inputDesc = try DNNLMemoryDesc.plain([n, 3, key.h, key.w])

        // Stem: let oneDNN pick the input layout; read the caller's buffer directly if it is plain.
        var probe = InferencePlanBuilder(key: key, options: options)
        _ = try probe.conv(stem, src: .input, srcDesc: .any([n, 3, key.h, key.w]), h: key.h, w: key.w,
                           dst: (.a, nil), sum: false, relu: true)
        let wanted = probe.steps[0].pd.md(dnnl_query_src_md)
        let stemInput: InferencePlanBuilder.Target
        if wanted.isEqual(to: inputDesc) {
            stemInput = .input
        } else {
            try b.reorder(from: .input, inputDesc, to: .reorderedInput, wanted, what: "input reorder")
            stemInput = .activation(.reorderedInput, wanted)
        }
        let stemOut = try b.conv(stem, src: stemInput, srcDesc: wanted, h: key.h, w: key.w, dst: (.a, nil), sum: false, relu: true)
        var (h, w) = (stem.outputSize(key.h), stem.outputSize(key.w))
        // torchvision: MaxPool2d(kernel_size=3, stride=2, padding=1).
        let pooled = try b.pool(max: true, src: (.a, stemOut), channels: stem.outChannels, h: h, w: w,
                                kernel: (3, 3), stride: 2, padding: 1, dst: .b, what: "maxpool")
        (h, w) = ((h + 2 - 3) / 2 + 1, (w + 2 - 3) / 2 + 1)
        var current: (Role, DNNLMemoryDesc) = (.b, pooled)

        for block in blocks {
            let other: Role = current.0 == .a ? .b : .a
            let x = current
            var shortcut = x
            if let ds = block.downsample {
                let out = try b.conv(ds, src: .activation(x.0, x.1), srcDesc: x.1, h: h, w: w, dst: (other, nil), sum: false, relu: false)
                shortcut = (other, out)
            }
            var src = x, (ch, cw) = (h, w)
            for (i, conv) in block.convs.enumerated() {
                let last = i == block.convs.count - 1
                let dst: (Role, DNNLMemoryDesc?) = last ? (shortcut.0, shortcut.1) : (i == 0 ? .t1 : .t2, nil)
                let out = try b.conv(conv, src: .activation(src.0, src.1), srcDesc: src.1, h: ch, w: cw,
                                     dst: dst, sum: last, relu: true)
                src = (dst.0, out)
                (ch, cw) = (conv.outputSize(ch), conv.outputSize(cw))
            }
            current = src
            (h, w) = (ch, cw)
        }

        // Global average pool to [N, F, 1, 1], then plain [N, F] for fc.
        let features = fc.inFeatures
        let avg = try b.pool(max: false, src: current, channels: features, h: h, w: w,
                             kernel: (h, w), stride: 1, padding: 0, dst: .pooled, what: "avgpool")
        let plain4 = try DNNLMemoryDesc.plain([n, features, 1, 1])
        try b.reorder(from: .activation(.pooled, avg), avg, to: .pooledPlain, plain4, what: "avgpool to plain")
        try b.linear(fc, src: try DNNLMemoryDesc.plain([n, features]))

        let bytes = b.roleBytes.values.reduce(0, +)
        guard bytes <= memoryLimit else {
            throw InferenceError.exceedsMemoryLimit(shape: [n, 3, key.h, key.w], bytes: bytes, limit: memoryLimit)
        }
        return try b.finish(input: inputDesc, outputDims: [n, fc.outFeatures])
    }
}
