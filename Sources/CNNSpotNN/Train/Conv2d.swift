import CDNNL

/// 2-D convolution without bias (torch.nn.Conv2d(bias=False)): square kernel, stride,
/// symmetric zero padding, output `floor((H + 2p - k) / s) + 1`. Weight `[out, in, k, k]`
/// (OIHW). oneDNN convolution forward, backward-data and backward-weights in oneDNN's preferred
/// layouts (`preferBlockedLayouts`): outputs stay blocked for the next layer, inputs of another
/// layout are reordered. Primitives cached per input shape.
public final class Conv2d {
    public let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int
    public let weight: Parameter

    private struct Primitives {
        let forward: DNNLPrimitive
        let backwardData: DNNLPrimitive
        let backwardWeights: DNNLPrimitive
        let outputShape: [Int]
    }
    private var cache: [[Int]: Primitives] = [:]
    /// The forward input in the layout the forward primitive used (kept for backward-weights).
    private var savedInput: (shape: [Int], memory: DNNLMemory, primitives: Primitives)?
    /// oneDNN overwrites diff_weights; the result lands here and is added to `weight.grad`.
    private let weightGradScratch: DNNLMemory

    /// Let oneDNN pick its preferred (blocked, e.g. nChw16c) layouts for convolution: its direct
    /// JIT kernels run much faster than the GEMM-based ones it uses on plain NCHW, and the
    /// other layers work on blocked tensors too (measured: ResNet-50 train step at batch 4,
    /// 224x224, 1.5-1.8 s blocked vs 2.2-3.2 s row-major on the shared 2-core machine). Off:
    /// row-major throughout. Read when a layer first sees an input shape.
    nonisolated(unsafe) public static var preferBlockedLayouts = true

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0) throws {
        precondition(inChannels > 0 && outChannels > 0 && kernel > 0 && stride > 0 && padding >= 0)
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernel = kernel; self.stride = stride; self.padding = padding
        weight = try Parameter(zeros: [outChannels, inChannels, kernel, kernel])
        weightGradScratch = try DNNLMemory(plain: weight.shape)
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 4, input[1] == inChannels else {
            throw NNError.badShape("Conv2d(\(inChannels)->\(outChannels)): input \(input), expected [N, \(inChannels), H, W]")
        }
        let oh = (input[2] + 2 * padding - kernel) / stride + 1
        let ow = (input[3] + 2 * padding - kernel) / stride + 1
        guard input[2] + 2 * padding >= kernel, input[3] + 2 * padding >= kernel, oh > 0, ow > 0 else {
            throw NNError.badShape("Conv2d k\(kernel) s\(stride) p\(padding): input \(input) too small")
        }
        return [input[0], outChannels, oh, ow]
    }

    private func primitives(for input: [Int]) throws -> Primitives {
        let key = input + [Self.preferBlockedLayouts ? 1 : 0]
        if let p = cache[key] { return p }
        let out = try outputShape(for: input)
        let layout: ([Int]) throws -> DNNLMemoryDesc = Self.preferBlockedLayouts ? DNNLMemoryDesc.any : DNNLMemoryDesc.plain
        let src = try layout(input), dst = try layout(out), w = try layout(weight.shape)
        let strides = [Int64(stride), Int64(stride)], pad = [Int64(padding), Int64(padding)]
        let what = "conv \(input) -> \(out) k\(kernel) s\(stride) p\(padding)"

        var fd = dnnl_convolution_desc_t()
        try withUnsafePointer(to: src.raw) { s in try withUnsafePointer(to: w.raw) { wp in try withUnsafePointer(to: dst.raw) { d in
            try dnnlCheck(dnnl_convolution_forward_desc_init(&fd, dnnl_forward_training, dnnl_convolution_direct,
                                                             s, wp, nil, d, strides, pad, pad), what)
        } } }
        let fpd = try DNNLPrimitiveDesc(fd, what: what)

        var bd = dnnl_convolution_desc_t()
        try withUnsafePointer(to: src.raw) { s in try withUnsafePointer(to: w.raw) { wp in try withUnsafePointer(to: dst.raw) { d in
            try dnnlCheck(dnnl_convolution_backward_data_desc_init(&bd, dnnl_convolution_direct, s, wp, d, strides, pad, pad),
                          "backward data " + what)
        } } }
        let bdpd = try DNNLPrimitiveDesc(bd, hint: fpd, what: "backward data " + what)

        var bw = dnnl_convolution_desc_t()
        try withUnsafePointer(to: src.raw) { s in try withUnsafePointer(to: w.raw) { wp in try withUnsafePointer(to: dst.raw) { d in
            try dnnlCheck(dnnl_convolution_backward_weights_desc_init(&bw, dnnl_convolution_direct, s, wp, nil, d, strides, pad, pad),
                          "backward weights " + what)
        } } }
        let bwpd = try DNNLPrimitiveDesc(bw, hint: fpd, what: "backward weights " + what)

        let p = Primitives(forward: try DNNLPrimitive(fpd), backwardData: try DNNLPrimitive(bdpd),
                           backwardWeights: try DNNLPrimitive(bwpd), outputShape: out)
        cache[key] = p
        return p
    }

    /// `x` `[N, in, H, W]` -> `[N, out, OH, OW]`, in the layout the primitive prefers (row-major
    /// when `preferBlockedLayouts` is off). In train mode the input is kept for backward.
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let p = try primitives(for: x.shape)
        let pd = p.forward.desc
        let src = try x.memory.reordered(to: pd.md(dnnl_query_src_md))
        let w = try weight.value.memory.reordered(to: pd.md(dnnl_query_weights_md))
        let y = try Tensor(output: pd.md(dnnl_query_dst_md))
        try p.forward.execute(args: [DNNLArg.src: src, DNNLArg.weights: w, DNNLArg.dst: y.memory])
        savedInput = mode == .train ? (x.shape, src, p) : nil
        return y
    }

    /// `dy` `[N, out, OH, OW]` (any layout) -> `dx` `[N, in, H, W]`; adds dL/dW into `weight.grad`.
    /// The kept input is released.
    public func backward(_ dy: Tensor) throws -> Tensor {
        try backward(dy, inputGradient: true)!
    }

    /// As `backward(_:)`, skipping dL/dx when `inputGradient` is false (the network's first
    /// conv: nothing needs the gradient of the image).
    func backward(_ dy: Tensor, inputGradient: Bool) throws -> Tensor? {
        guard let saved = savedInput else { throw NNError.badState("Conv2d.backward without a train-mode forward") }
        let p = saved.primitives
        guard dy.shape == p.outputShape else { throw NNError.badShape("Conv2d.backward: dy \(dy.shape), expected \(p.outputShape)") }
        savedInput = nil
        let bd = p.backwardData.desc, bw = p.backwardWeights.desc
        let diffDst = try dy.memory.reordered(to: bw.md(dnnl_query_diff_dst_md))
        var dx: Tensor? = nil
        if inputGradient {
            let diffDstD = try diffDst.reordered(to: bd.md(dnnl_query_diff_dst_md))
            let w = try weight.value.memory.reordered(to: bd.md(dnnl_query_weights_md))
            let out = try Tensor(output: bd.md(dnnl_query_diff_src_md))
            try p.backwardData.execute(args: [DNNLArg.diffDst: diffDstD, DNNLArg.weights: w, DNNLArg.diffSrc: out.memory])
            dx = out
        }
        let src = try saved.memory.reordered(to: bw.md(dnnl_query_src_md))
        let dw = try weightGradScratch.outputBuffer(for: bw.md(dnnl_query_diff_weights_md))
        try p.backwardWeights.execute(args: [DNNLArg.src: src, DNNLArg.diffDst: diffDst, DNNLArg.diffWeights: dw])
        if dw !== weightGradScratch { try dw.reorder(into: weightGradScratch) }
        weightGradScratch.withUnsafeBufferPointer { weight.grad.accumulate($0) }
        return dx
    }

    /// Drops activations kept for backward.
    public func releaseSaved() { savedInput = nil }
}
