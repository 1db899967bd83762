import CDNNL

/// Builds an `InferencePlan` in two passes: first every primitive descriptor (oneDNN chooses
/// the layouts; each activation is assigned to one of a few buffer roles), then one buffer per
/// role sized for its largest user, views over it, and the primitives.
struct InferencePlanBuilder {
    /// Activation buffers. Block inputs/outputs ping-pong between `a` and `b`; the outputs of
    /// the inner convs of a block go to `t1`, `t2`. An identity block writes its output into its
    /// own input buffer (the last conv accumulates onto the shortcut with a sum post-op).
    /// `scratchpad` is the work space of all primitives (Winograd transforms, ...), shared since
    /// they run one after another (user scratchpad mode: no allocation per call).
    enum Role: Int, CaseIterable { case reorderedInput, a, b, t1, t2, pooled, pooledPlain, scratchpad }

    enum Target {
        case input
        case activation(Role, DNNLMemoryDesc)
        case parameter(InferenceParameter, DNNLMemoryDesc)
        case output
    }

    struct PendingStep {
        let pd: DNNLPrimitiveDesc
        let args: [(Int32, Target)]
        let what: String
    }

    let key: InferencePlan.Key
    let options: InferencePlanOptions
    var steps: [PendingStep] = []

    init(key: InferencePlan.Key, options: InferencePlanOptions) {
        self.key = key
        self.options = options
    }

    // MARK: Pass 1: primitive descriptors

    /// Convolution (+ optional sum onto `dst`'s current contents, + its activation). `dst` nil
    /// puts the output in the options' layout (or oneDNN's choice). Returns the output descriptor.
    mutating func conv(_ c: InferenceConv, src: Target, srcDesc: DNNLMemoryDesc, h: Int, w: Int,
                       dst: (Role, DNNLMemoryDesc?), sum: Bool, activation: NetworkDescription.Activation?) throws -> DNNLMemoryDesc {
        let n = key.n
        let what = "convolution \(c.key) for input [\(n), \(c.inChannels), \(h), \(w)]"
        let dstDesc = try dst.1 ?? activationDesc([n, c.outChannels, c.outputSize(h), c.outputSize(w)])
        let attr = try Self.attributes(sum: sum, activation: activation)
        let pd: DNNLPrimitiveDesc
        if options.winograd && c.kernel == 3 && c.stride == 1 && c.groups == 1,
           let wino = try? Self.convPD(c, srcDesc, dstDesc, h: h, w: w, dnnl_convolution_winograd, attr, what) {
            pd = wino
        } else {
            pd = try Self.convPD(c, srcDesc, dstDesc, h: h, w: w, dnnl_convolution_direct, attr, what)
        }
        let out = pd.md(dnnl_query_dst_md)
        append(pd, [
            (DNNLArg.src, src),
            (DNNLArg.weights, .parameter(c.weights, pd.md(dnnl_query_weights_md))),
            (DNNLArg.bias, .parameter(c.bias, pd.md(dnnl_query_weights_md, index: 1))),
            (DNNLArg.dst, .activation(dst.0, out)),
        ], c.key)
        return out
    }

    private static func convPD(_ c: InferenceConv, _ srcDesc: DNNLMemoryDesc, _ dstDesc: DNNLMemoryDesc, h: Int, w: Int,
                               _ algorithm: dnnl_alg_kind_t, _ attr: DNNLAttr?, _ what: String) throws -> DNNLPrimitiveDesc {
        let weightsAny = try DNNLMemoryDesc.any(InferenceConv.weightDims(c.description), dataType: srcDesc.raw.data_type)
        let biasDesc = try DNNLMemoryDesc.plain([c.outChannels])
        var op = dnnl_convolution_desc_t()
        var (s, wt, b, d) = (srcDesc.raw, weightsAny.raw, biasDesc.raw, dstDesc.raw)
        let strides: [Int64] = [Int64(c.stride), Int64(c.stride)]
        // Padding before/after from the description (symmetric as PyTorch, or TensorFlow "same"
        // from the input size); oneDNN, like PyTorch, floors (x + pl + pr - k) / s + 1.
        let (ph, pw) = (c.description.pads(h), c.description.pads(w))
        let padL: [Int64] = [Int64(ph.before), Int64(pw.before)], padR: [Int64] = [Int64(ph.after), Int64(pw.after)]
        try dnnlCheck(dnnl_convolution_forward_desc_init(&op, dnnl_forward_inference, algorithm, &s, &wt, &b, &d, strides, padL, padR), what)
        return try DNNLPrimitiveDesc(op, attr: attr, what: what)
    }

    /// An activation descriptor in the options' fixed layout, or `any`.
    func activationDesc(_ dims: [Int]) throws -> DNNLMemoryDesc {
        if let tag = options.activationTag { return try DNNLMemoryDesc(dims: dims, tag: tag, dataType: options.dataType) }
        return try .any(dims, dataType: options.dataType)
    }

    /// Max or average pooling (no padding beyond `padding`), output layout chosen by oneDNN.
    mutating func pool(max: Bool, src: (Role, DNNLMemoryDesc), channels: Int, h: Int, w: Int,
                       kernel: (Int, Int), stride: Int, padding: Int, dst: Role, what: String) throws -> DNNLMemoryDesc {
        let oh = (h + 2 * padding - kernel.0) / stride + 1, ow = (w + 2 * padding - kernel.1) / stride + 1
        let dstAny = try activationDesc([key.n, channels, oh, ow])
        var op = dnnl_pooling_desc_t()
        var (s, d) = (src.1.raw, dstAny.raw)
        let k: [Int64] = [Int64(kernel.0), Int64(kernel.1)]
        let strides: [Int64] = [Int64(stride), Int64(stride)], pad: [Int64] = [Int64(padding), Int64(padding)]
        try dnnlCheck(dnnl_pooling_forward_desc_init(&op, dnnl_forward_inference, max ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding,
                                                     &s, &d, strides, k, pad, pad),
                      "\(what) for input [\(key.n), \(channels), \(h), \(w)]")
        let pd = try DNNLPrimitiveDesc(op, attr: try Self.attributes(sum: false, activation: nil),
                                       what: "\(what) for input [\(key.n), \(channels), \(h), \(w)]")
        let out = pd.md(dnnl_query_dst_md)
        append(pd, [(DNNLArg.src, .activation(src.0, src.1)), (DNNLArg.dst, .activation(dst, out))], what)
        return out
    }

    /// Layout change (only at the input and before `fc`).
    mutating func reorder(from src: Target, _ srcDesc: DNNLMemoryDesc, to dst: Role, _ dstDesc: DNNLMemoryDesc, what: String) throws {
        let pd = try DNNLPrimitiveDesc(reorderFrom: srcDesc, to: dstDesc)
        steps.append(PendingStep(pd: pd, args: [(DNNLArg.from, src), (DNNLArg.to, .activation(dst, dstDesc))], what: what))
    }

    /// `fc` on plain `[N, features]` to plain `[N, classes]`.
    mutating func linear(_ fc: InferenceLinear, src: DNNLMemoryDesc) throws {
        let weightsAny = try DNNLMemoryDesc.any([fc.outFeatures, fc.inFeatures])
        let biasDesc = try DNNLMemoryDesc.plain([fc.outFeatures])
        let dstDesc = try DNNLMemoryDesc.plain([key.n, fc.outFeatures])
        var op = dnnl_inner_product_desc_t()
        var (s, wt, b, d) = (src.raw, weightsAny.raw, biasDesc.raw, dstDesc.raw)
        try dnnlCheck(dnnl_inner_product_forward_desc_init(&op, dnnl_forward_inference, &s, &wt, &b, &d), "fc for [\(key.n), \(fc.inFeatures)]")
        let pd = try DNNLPrimitiveDesc(op, attr: try Self.attributes(sum: false, activation: nil), what: "fc for [\(key.n), \(fc.inFeatures)]")
        append(pd, [
            (DNNLArg.src, .activation(.pooledPlain, src)),
            (DNNLArg.weights, .parameter(fc.weights, pd.md(dnnl_query_weights_md))),
            (DNNLArg.bias, .parameter(fc.bias, pd.md(dnnl_query_weights_md, index: 1))),
            (DNNLArg.dst, .output),
        ], "fc")
    }

    /// Adds a step, with the shared scratchpad if the primitive needs one.
    private mutating func append(_ pd: DNNLPrimitiveDesc, _ args: [(Int32, Target)], _ what: String) {
        let scratch = pd.md(dnnl_query_scratchpad_md)
        let extra: [(Int32, Target)] = scratch.raw.ndims > 0 && scratch.byteCount > 0
            ? [(DNNLArg.scratchpad, .activation(.scratchpad, scratch))] : []
        steps.append(PendingStep(pd: pd, args: args + extra, what: what))
    }

    /// User-managed scratchpad, and the post-ops of a conv: `dst = act(conv(src) + dst)` with
    /// `sum`, `act(conv(src))` without; ReLU is oneDNN's `relu` (alpha 0), ReLU6 its
    /// `clip(0, 6)` (`min(max(x, 0), 6)`, as `torch.nn.ReLU6`).
    static func attributes(sum: Bool, activation: NetworkDescription.Activation?) throws -> DNNLAttr {
        let attr = try DNNLAttr()
        try dnnlCheck(dnnl_primitive_attr_set_scratchpad_mode(attr.handle, dnnl_scratchpad_mode_user), "setting the scratchpad mode")
        guard sum || activation != nil else { return attr }
        var ops: dnnl_post_ops_t?
        try dnnlCheck(dnnl_post_ops_create(&ops), "creating post-ops")
        defer { dnnlRequire(dnnl_post_ops_destroy(ops), "destroying post-ops") }
        if sum { try dnnlCheck(dnnl_post_ops_append_sum(ops, 1), "appending a sum post-op") }
        switch activation {
        case .relu?: try dnnlCheck(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_relu, 0, 0), "appending a ReLU post-op")
        case .relu6?: try dnnlCheck(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_clip, 0, 6), "appending a ReLU6 post-op")
        case nil: break
        }
        try dnnlCheck(dnnl_primitive_attr_set_post_ops(attr.handle, ops), "setting post-ops")
        return attr
    }

    /// Bytes each role needs (its largest descriptor).
    var roleBytes: [Role: Int] {
        var bytes: [Role: Int] = [:]
        for step in steps {
            for (_, target) in step.args {
                if case .activation(let role, let desc) = target { bytes[role] = Swift.max(bytes[role] ?? 0, desc.byteCount) }
            }
        }
        return bytes
    }

    // MARK: Pass 2: buffers, views, primitives

    /// Allocates the role buffers and parameter layouts and creates the primitives.
    func finish(input inputDesc: DNNLMemoryDesc, outputDims: [Int]) throws -> InferencePlan {
        let bytes = roleBytes
        var buffers: [Role: DNNLMemory] = [:]
        for (role, count) in bytes {
            buffers[role] = try DNNLMemory(plain: [(count + 3) / 4])
        }
        var views: [(Role, InferenceMemoryView)] = []
        func view(_ role: Role, _ desc: DNNLMemoryDesc) throws -> InferenceMemoryView {
            if let hit = views.first(where: { $0.0 == role && $0.1.desc.isEqual(to: desc) }) { return hit.1 }
            let v = try InferenceMemoryView(desc, over: buffers[role]!)
            views.append((role, v))
            return v
        }
        let input = try InferenceMemoryView(unbound: inputDesc)
        let output = try DNNLMemory(plain: outputDims)
        var keepAlive: [AnyObject] = [input, output]
        var ownedWeightBytes = 0
        var built: [InferencePlan.Step] = []
        for step in steps {
            var args: [dnnl_exec_arg_t] = []
            for (arg, target) in step.args {
                let handle: dnnl_memory_t
                switch target {
                case .input: handle = input.handle
                case .output: handle = output.handle
                case .activation(let role, let desc):
                    let v = try view(role, desc)
                    handle = v.handle
                case .parameter(let p, let desc):
                    let (m, shared) = try p.memory(in: desc)
                    if !shared && !keepAlive.contains(where: { $0 === m }) { ownedWeightBytes += m.desc.byteCount }
                    keepAlive.append(m)
                    handle = m.handle
                }
                args.append(dnnl_exec_arg_t(arg: arg, memory: handle))
            }
            built.append(InferencePlan.Step(primitive: try DNNLPrimitive(step.pd), args: args, what: step.what))
        }
        keepAlive.append(contentsOf: views.map(\.1) as [AnyObject])
        return InferencePlan(key: key, input: input, output: output, outputCount: outputDims.reduce(1, *),
                             steps: built, activationBytes: bytes.values.reduce(0, +), weightBytes: ownedWeightBytes,
                             keepAlive: keepAlive)
    }
}
