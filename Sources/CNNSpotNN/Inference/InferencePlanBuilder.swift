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
    mutating func conv(
        _ c: InferenceConv, src: Target, srcDesc: DNNLMemoryDesc, h: Int, w: Int,
        dst: (Role, DNNLMemoryDesc?), sum: Bool, activation: NetworkDescription.Activation?
    ) throws -> DNNLMemoryDesc {
        let n = key.n
        let what = "convolution \(c.key) for input [\(n), \(c.inChannels), \(h), \(w)]"
        let dstDesc = try dst.1 ?? activationDesc([n, c.outChannels, c.outputSize(h), c.outputSize(w)])
        let attr = try Self.attributes(sum: sum, activation: activation)
        let pd: DNNLPrimitiveDesc
        if options.winograd && c.kernel == 3 && c.stride == 1 && c.groups == 1,
            let wino = try? Self.convPD(c, srcDesc, dstDesc, h: h, w: w, .winograd, attr, what)
        {
            pd = wino
        } else {
            pd = try Self.convPD(c, srcDesc, dstDesc, h: h, w: w, .direct, attr, what)
        }
        let out = pd.md(.dst)
        append(
            pd,
            [
                (DNNLArg.src, src),
                (DNNLArg.weights, .parameter(c.weights, pd.md(.weights))),
                (DNNLArg.bias, .parameter(c.bias, pd.md(.bias))),
                (DNNLArg.dst, .activation(dst.0, out))
            ], c.key)
        return out
    }

    private static func convPD(
        _ c: InferenceConv, _ srcDesc: DNNLMemoryDesc, _ dstDesc: DNNLMemoryDesc, h: Int, w: Int,
        _ algorithm: DNNLConvolutionAlgorithm, _ attr: DNNLAttr?, _ what: String
    ) throws -> DNNLPrimitiveDesc {
        let weightsAny = try DNNLMemoryDesc.any(InferenceConv.weightDims(c.description), dataType: srcDesc.dataType ?? .f32)
        // Padding before/after from the description (symmetric as PyTorch, or TensorFlow "same"
        // from the input size); oneDNN, like PyTorch, floors (x + pl + pr - k) / s + 1.
        let (ph, pw) = (c.description.pads(h), c.description.pads(w))
        let window = DNNLWindow(strides: [c.stride, c.stride], padBefore: [ph.before, pw.before], padAfter: [ph.after, pw.after])
        return try DNNLPrimitiveDesc.convolution(
            .inference, algorithm: algorithm, src: srcDesc, weights: weightsAny,
            bias: .plain([c.outChannels]), dst: dstDesc, window: window, attr: attr, what: what)
    }

    /// An activation descriptor in the options' fixed layout, or `any`.
    func activationDesc(_ dims: [Int]) throws -> DNNLMemoryDesc {
        if let format = options.activationFormat { return try DNNLMemoryDesc(dims: dims, format: format, dataType: options.dataType) }
        return try .any(dims, dataType: options.dataType)
    }

    /// Max or average pooling (no padding beyond `padding`), output layout chosen by oneDNN.
    mutating func pool(
        max: Bool, src: (Role, DNNLMemoryDesc), channels: Int, h: Int, w: Int,
        kernel: (Int, Int), stride: Int, padding: Int, dst: Role, what: String
    ) throws -> DNNLMemoryDesc {
        let oh = (h + 2 * padding - kernel.0) / stride + 1, ow = (w + 2 * padding - kernel.1) / stride + 1
        let dstAny = try activationDesc([key.n, channels, oh, ow])
        let pd = try DNNLPrimitiveDesc.pooling(
            .inference, max ? .max : .averageExcludingPadding, src: src.1, dst: dstAny,
            kernel: [kernel.0, kernel.1], window: DNNLWindow(stride: stride, padding: padding),
            attr: try Self.attributes(sum: false, activation: nil),
            what: "\(what) for input [\(key.n), \(channels), \(h), \(w)]")
        let out = pd.md(.dst)
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
        let pd = try DNNLPrimitiveDesc.innerProduct(
            .inference, src: src, weights: weightsAny, bias: biasDesc, dst: dstDesc,
            attr: try Self.attributes(sum: false, activation: nil),
            what: "fc for [\(key.n), \(fc.inFeatures)]")
        append(
            pd,
            [
                (DNNLArg.src, .activation(.pooledPlain, src)),
                (DNNLArg.weights, .parameter(fc.weights, pd.md(.weights))),
                (DNNLArg.bias, .parameter(fc.bias, pd.md(.bias))),
                (DNNLArg.dst, .output)
            ], "fc")
    }

    /// Adds a step, with the shared scratchpad if the primitive needs one.
    private mutating func append(_ pd: DNNLPrimitiveDesc, _ args: [(Int32, Target)], _ what: String) {
        let scratch = pd.md(.scratchpad)
        let extra: [(Int32, Target)] =
            !scratch.isEmpty && scratch.byteCount > 0
            ? [(DNNLArg.scratchpad, .activation(.scratchpad, scratch))] : []
        steps.append(PendingStep(pd: pd, args: args + extra, what: what))
    }

    /// User-managed scratchpad, and the post-ops of a conv: `dst = act(conv(src) + dst)` with
    /// `sum`, `act(conv(src))` without; ReLU is oneDNN's `relu` (alpha 0), ReLU6 its
    /// `clip(0, 6)` (`min(max(x, 0), 6)`, as `torch.nn.ReLU6`).
    static func attributes(sum: Bool, activation: NetworkDescription.Activation?) throws -> DNNLAttr {
        var ops: [DNNLPostOp] = sum ? [.sum(scale: 1)] : []
        switch activation {
        case .relu?: ops.append(.eltwise(.relu, alpha: 0, beta: 0))
        case .relu6?: ops.append(.eltwise(.clip, alpha: 0, beta: 6))
        case nil: break
        }
        return try DNNLAttr(userScratchpad: true, postOps: ops)
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
        var views: [(Role, DNNLMemoryView)] = []
        func view(_ role: Role, _ desc: DNNLMemoryDesc) throws -> DNNLMemoryView {
            if let hit = views.first(where: { $0.0 == role && $0.1.desc.isEqual(to: desc) }) { return hit.1 }
            let v = try DNNLMemoryView(desc, over: buffers[role]!)
            views.append((role, v))
            return v
        }
        let input = try DNNLMemoryView(unbound: inputDesc)
        let output = try DNNLMemory(plain: outputDims)
        var keepAlive: [AnyObject] = [input, output]
        var ownedWeightBytes = 0
        var built: [InferencePlan.Step] = []
        for step in steps {
            var args: [(Int32, DNNLMemoryObject)] = []
            for (arg, target) in step.args {
                let memory: DNNLMemoryObject
                switch target {
                case .input: memory = input
                case .output: memory = output
                case .activation(let role, let desc): memory = try view(role, desc)
                case .parameter(let p, let desc):
                    let (m, shared) = try p.memory(in: desc)
                    if !shared && !keepAlive.contains(where: { $0 === m }) { ownedWeightBytes += m.desc.byteCount }
                    keepAlive.append(m)
                    memory = m
                }
                args.append((arg, memory))
            }
            built.append(InferencePlan.Step(bound: DNNLBoundPrimitive(try DNNLPrimitive(step.pd), args: args), what: step.what))
        }
        keepAlive.append(contentsOf: views.map(\.1) as [AnyObject])
        return InferencePlan(
            key: key, input: input, output: output, outputCount: outputDims.reduce(1, *),
            steps: built, activationBytes: bytes.values.reduce(0, +), weightBytes: ownedWeightBytes,
            keepAlive: keepAlive)
    }
}
