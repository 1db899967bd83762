/// torch.nn.MaxPool2d(kernel, stride, padding) with implicit -inf padding and floor output
/// size `floor((H + 2p - k) / s) + 1`. oneDNN pooling_max; backward routes each gradient to
/// the position recorded in the forward workspace.
public final class MaxPool2d {
    public let kernel: Int, stride: Int, padding: Int

    private struct Primitives {
        let layout: DNNLMemoryDesc
        let forward: DNNLPrimitive; let backward: DNNLPrimitive
        let workspace: DNNLMemoryDesc; let output: DNNLMemoryDesc
    }
    /// Per input shape, for the input layout last seen.
    private var cache: [[Int]: Primitives] = [:]
    private var saved: (input: DNNLMemoryDesc, workspace: DNNLMemory)?

    public init(kernel: Int = 3, stride: Int = 2, padding: Int = 1) {
        precondition(kernel > 0 && stride > 0 && padding >= 0 && padding * 2 <= kernel)
        self.kernel = kernel; self.stride = stride; self.padding = padding
    }

    private func primitives(for layout: DNNLMemoryDesc) throws -> Primitives {
        let input = layout.dims
        if let p = cache[input], p.layout.isEqual(to: layout) { return p }
        guard input.count == 4, input[2] + 2 * padding >= kernel, input[3] + 2 * padding >= kernel else {
            throw NNError.badShape("MaxPool2d k\(kernel) s\(stride) p\(padding): input \(input), expected [N, C, H, W] large enough")
        }
        let out = [input[0], input[1], (input[2] + 2 * padding - kernel) / stride + 1, (input[3] + 2 * padding - kernel) / stride + 1]
        // The output follows the input's layout (format "any" resolved by oneDNN).
        let src = layout, dst = try DNNLMemoryDesc.any(out)
        let window = DNNLWindow(stride: stride, padding: padding), k = [kernel, kernel]
        let what = "max pool \(input) -> \(out)"
        let fpd = try DNNLPrimitiveDesc.pooling(.training, .max, src: src, dst: dst, kernel: k, window: window, what: what)
        let bpd = try DNNLPrimitiveDesc.poolingBackward(
            .max, diffSrc: src, diffDst: dst, kernel: k, window: window, hint: fpd,
            what: "backward " + what)
        let p = Primitives(
            layout: layout, forward: try DNNLPrimitive(fpd), backward: try DNNLPrimitive(bpd),
            workspace: fpd.md(.workspace), output: fpd.md(.dst))
        cache[input] = p
        return p
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let p = try primitives(for: x.memory.desc)
        let y = try Tensor(output: p.output)
        let ws = try DNNLMemory(p.workspace)
        try p.forward.execute(args: [DNNLArg.src: x.memory, DNNLArg.dst: y.memory, DNNLArg.workspace: ws])
        saved = mode == .train ? (x.memory.desc, ws) : nil
        return y
    }

    public func backward(_ dy: Tensor) throws -> Tensor {
        guard let s = saved else { throw NNError.badState("MaxPool2d.backward without a train-mode forward") }
        let p = try primitives(for: s.input)
        guard dy.shape == p.output.dims else { throw NNError.badShape("MaxPool2d.backward: dy \(dy.shape), expected \(p.output.dims)") }
        saved = nil
        let g = try dy.inLayout(p.output)
        let dx = try Tensor(output: s.input)
        try p.backward.execute(args: [DNNLArg.diffDst: g.memory, DNNLArg.workspace: s.workspace, DNNLArg.diffSrc: dx.memory])
        return dx
    }

    public func releaseSaved() { saved = nil }
}
