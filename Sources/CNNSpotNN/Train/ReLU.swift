import CDNNL

/// max(x, 0) (torch.nn.ReLU). Backward passes dy where the output is positive (PyTorch's
/// threshold_backward on the result: zero gradient at x == 0). oneDNN eltwise
/// `relu_use_dst_for_bwd` in the input's layout, so only the output is kept.
public final class ReLU {
    private struct Primitives { let layout: DNNLMemoryDesc; let forward: DNNLPrimitive; let backward: DNNLPrimitive }
    /// Per shape, for the layout last seen (a network feeds one layout per shape).
    private var cache: [[Int]: Primitives] = [:]
    private var savedOutput: Tensor?

    public init() {}

    private func primitives(for md: DNNLMemoryDesc) throws -> Primitives {
        let shape = md.dims
        if let p = cache[shape], p.layout.isEqual(to: md) { return p }
        var fd = dnnl_eltwise_desc_t(), bd = dnnl_eltwise_desc_t()
        try withUnsafePointer(to: md.raw) { m in
            try dnnlCheck(dnnl_eltwise_forward_desc_init(&fd, dnnl_forward_training, dnnl_eltwise_relu_use_dst_for_bwd, m, 0, 0),
                          "relu \(shape)")
            try dnnlCheck(dnnl_eltwise_backward_desc_init(&bd, dnnl_eltwise_relu_use_dst_for_bwd, m, m, 0, 0),
                          "relu backward \(shape)")
        }
        let fpd = try DNNLPrimitiveDesc(fd, what: "relu \(shape)")
        let bpd = try DNNLPrimitiveDesc(bd, hint: fpd, what: "relu backward \(shape)")
        let p = Primitives(layout: md, forward: try DNNLPrimitive(fpd), backward: try DNNLPrimitive(bpd))
        cache[shape] = p
        return p
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let p = try primitives(for: x.memory.desc)
        let y = try Tensor(output: x.memory.desc)
        try p.forward.execute(args: [DNNLArg.src: x.memory, DNNLArg.dst: y.memory])
        savedOutput = mode == .train ? y : nil
        return y
    }

    public func backward(_ dy: Tensor) throws -> Tensor {
        guard let y = savedOutput else { throw NNError.badState("ReLU.backward without a train-mode forward") }
        guard dy.shape == y.shape else { throw NNError.badShape("ReLU.backward: dy \(dy.shape), expected \(y.shape)") }
        savedOutput = nil
        let p = try primitives(for: y.memory.desc)
        let dx = try Tensor(output: y.memory.desc)
        let g = try dy.inLayout(y.memory.desc)
        try p.backward.execute(args: [DNNLArg.dst: y.memory, DNNLArg.diffDst: g.memory, DNNLArg.diffSrc: dx.memory])
        return dx
    }

    public func releaseSaved() { savedOutput = nil }
}
