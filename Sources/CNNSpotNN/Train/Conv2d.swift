import CDNNL

/// 2-D convolution without bias (torch.nn.Conv2d(bias=False)): square kernel, stride,
/// symmetric zero padding, output `floor((H + 2p - k) / s) + 1`. Weight `[out, in, k, k]`
/// (OIHW). oneDNN convolution forward, backward-data and backward-weights on plain NCHW;
/// primitives cached per input shape.
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
    private var savedInput: Tensor?
    /// oneDNN overwrites diff_weights; the result lands here and is added to `weight.grad`.
    private let weightGradScratch: DNNLMemory

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
        if let p = cache[input] { return p }
        let out = try outputShape(for: input)
        let src = try DNNLMemoryDesc.plain(input), dst = try DNNLMemoryDesc.plain(out)
        let w = try DNNLMemoryDesc.plain(weight.shape)
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
        cache[input] = p
        return p
    }

    /// `x` `[N, in, H, W]` -> `[N, out, OH, OW]`. In train mode the input is kept for backward.
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let p = try primitives(for: x.shape)
        let y = try Tensor(zeros: p.outputShape)
        try p.forward.execute(args: [DNNLArg.src: x.memory, DNNLArg.weights: weight.value.memory, DNNLArg.dst: y.memory])
        savedInput = mode == .train ? x : nil
        return y
    }

    /// `dy` `[N, out, OH, OW]` -> `dx` `[N, in, H, W]`; adds dL/dW into `weight.grad`.
    public func backward(_ dy: Tensor) throws -> Tensor {
        guard let x = savedInput else { throw NNError.badState("Conv2d.backward without a train-mode forward") }
        let p = try primitives(for: x.shape)
        guard dy.shape == p.outputShape else { throw NNError.badShape("Conv2d.backward: dy \(dy.shape), expected \(p.outputShape)") }
        let dx = try Tensor(zeros: x.shape)
        try p.backwardData.execute(args: [DNNLArg.diffDst: dy.memory, DNNLArg.weights: weight.value.memory, DNNLArg.diffSrc: dx.memory])
        let dw = weightGradScratch
        try p.backwardWeights.execute(args: [DNNLArg.src: x.memory, DNNLArg.diffDst: dy.memory, DNNLArg.diffWeights: dw])
        dw.withUnsafeBufferPointer { weight.grad.accumulate($0) }
        return dx
    }

    /// Drops activations kept for backward.
    public func releaseSaved() { savedInput = nil }
}
