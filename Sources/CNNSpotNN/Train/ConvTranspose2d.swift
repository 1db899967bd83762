/// Transposed 2-D convolution (torch.nn.ConvTranspose2d, groups 1, dilation 1): square kernel,
/// stride, padding, output_padding, optional bias. Output `(H - 1) * s - 2p + k + output_padding`.
/// Weight `[in, out, k, k]` (PyTorch's layout; to oneDNN, whose deconvolution weights are
/// `[out, in, k, k]`, the same bytes are format `iohw`), bias `[out]`.
///
/// oneDNN deconvolution forward, backward-data and backward-weights (with diff_bias) in its
/// preferred layouts (`ComputeOptions.preferBlockedLayouts`), primitives cached per input shape.
/// output_padding adds rows/columns at the bottom/right: oneDNN's right padding is
/// `padding - output_padding`, so output_padding may not exceed padding (true of the k3 s2 p1
/// op1 and k4 s2 p1 decoders this serves).
public final class ConvTranspose2d {
    public let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int, outputPadding: Int
    public let weight: Parameter
    public let bias: Parameter?

    private struct Primitives {
        let forward: DNNLPrimitive
        let backwardData: DNNLPrimitive
        let backwardWeights: DNNLPrimitive
        let outputShape: [Int]
    }
    private var cache: [[Int]: Primitives] = [:]
    private var savedInput: (memory: DNNLMemory, primitives: Primitives)?
    /// The weight values under oneDNN's dims `[out, in, k, k]`, format iohw (refreshed before every use).
    private let oneDNNWeight: DNNLMemory
    private let weightGradScratch: DNNLMemory
    private let biasGradScratch: DNNLMemory?

    public init(
        _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
        outputPadding: Int = 0, bias: Bool = true
    ) throws {
        let what = "ConvTranspose2d(\(inChannels)->\(outChannels), k\(kernel) s\(stride) p\(padding) output_padding \(outputPadding))"
        guard inChannels > 0, outChannels > 0, kernel > 0, stride > 0, padding >= 0, outputPadding >= 0 else {
            throw NNError.badShape("\(what): channels, kernel and stride must be positive, paddings non-negative")
        }
        guard outputPadding < stride else { throw NNError.badShape("\(what): output_padding must be smaller than stride (as PyTorch)") }
        guard outputPadding <= padding else { throw NNError.badShape("\(what): output_padding larger than padding is not supported") }
        self.inChannels = inChannels; self.outChannels = outChannels; self.kernel = kernel
        self.stride = stride; self.padding = padding; self.outputPadding = outputPadding
        weight = try Parameter(zeros: [inChannels, outChannels, kernel, kernel])
        self.bias = bias ? try Parameter(zeros: [outChannels]) : nil
        let iohw = try DNNLMemoryDesc(dims: [outChannels, inChannels, kernel, kernel], format: .iohw)
        oneDNNWeight = try DNNLMemory(iohw)
        weightGradScratch = try DNNLMemory(iohw)
        biasGradScratch = bias ? try DNNLMemory(plain: [outChannels]) : nil
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 4, input[1] == inChannels else {
            throw NNError.badShape("ConvTranspose2d(\(inChannels)->\(outChannels)): input \(input), expected [N, \(inChannels), H, W]")
        }
        let oh = (input[2] - 1) * stride - 2 * padding + kernel + outputPadding
        let ow = (input[3] - 1) * stride - 2 * padding + kernel + outputPadding
        guard oh > 0, ow > 0 else { throw NNError.badShape("ConvTranspose2d k\(kernel) s\(stride) p\(padding): input \(input) too small") }
        return [input[0], outChannels, oh, ow]
    }

    private func primitives(for input: [Int]) throws -> Primitives {
        let blocked = ComputeOptions.current.preferBlockedLayouts
        let key = input + [blocked ? 1 : 0]
        if let p = cache[key] { return p }
        let out = try outputShape(for: input)
        let layout: ([Int]) throws -> DNNLMemoryDesc = blocked ? DNNLMemoryDesc.any : DNNLMemoryDesc.plain
        let src = try layout(input), dst = try layout(out)
        let w = blocked ? try DNNLMemoryDesc.any(oneDNNWeight.desc.dims) : oneDNNWeight.desc
        let window = DNNLWindow(
            strides: [stride, stride], padBefore: [padding, padding],
            padAfter: [padding - outputPadding, padding - outputPadding])
        let what = "deconv \(input) -> \(out) k\(kernel) s\(stride) p\(padding) op\(outputPadding)"
        let biasDesc = bias == nil ? nil : try DNNLMemoryDesc.plain([outChannels])
        let fpd = try DNNLPrimitiveDesc.convolution(
            .training, transposed: true, src: src, weights: w, bias: biasDesc, dst: dst,
            window: window, what: what)
        let bdpd = try DNNLPrimitiveDesc.convolutionBackwardData(
            transposed: true, diffSrc: src, weights: w, diffDst: dst,
            window: window, hint: fpd, what: "backward data " + what)
        let bwpd = try DNNLPrimitiveDesc.convolutionBackwardWeights(
            transposed: true, src: src, diffWeights: w, diffBias: biasDesc,
            diffDst: dst, window: window, hint: fpd,
            what: "backward weights " + what)
        let p = Primitives(
            forward: try DNNLPrimitive(fpd), backwardData: try DNNLPrimitive(bdpd),
            backwardWeights: try DNNLPrimitive(bwpd), outputShape: out)
        cache[key] = p
        return p
    }

    private func weightSource() -> DNNLMemory {
        weight.value.withUnsafeBufferPointer { src in oneDNNWeight.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: src) } }
        return oneDNNWeight
    }

    /// `x` `[N, in, H, W]` -> `[N, out, OH, OW]` in the primitive's preferred layout. Train mode keeps the input.
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let p = try primitives(for: x.shape)
        let pd = p.forward.desc
        let src = try x.memory.reordered(to: pd.md(.src))
        let w = try weightSource().reordered(to: pd.md(.weights))
        let y = try Tensor(output: pd.md(.dst))
        var args = [DNNLArg.src: src, DNNLArg.weights: w, DNNLArg.dst: y.memory]
        if let b = bias { args[DNNLArg.bias] = b.value.memory }
        try p.forward.execute(args: args, what: "deconvolution")
        savedInput = mode == .train ? (src, p) : nil
        return y
    }

    /// `dy` `[N, out, OH, OW]` -> `dx` `[N, in, H, W]`; adds dL/dW into `weight.grad` and dL/db into `bias.grad`.
    public func backward(_ dy: Tensor) throws -> Tensor {
        guard let saved = savedInput else { throw NNError.badState("ConvTranspose2d.backward without a train-mode forward") }
        let p = saved.primitives
        guard dy.shape == p.outputShape else { throw NNError.badShape("ConvTranspose2d.backward: dy \(dy.shape), expected \(p.outputShape)") }
        savedInput = nil
        let bd = p.backwardData.desc, bw = p.backwardWeights.desc
        let diffDst = try dy.memory.reordered(to: bw.md(.diffDst))
        let diffDstD = try diffDst.reordered(to: bd.md(.diffDst))
        let w = try weightSource().reordered(to: bd.md(.weights))
        let dx = try Tensor(output: bd.md(.diffSrc))
        try p.backwardData.execute(args: [DNNLArg.diffDst: diffDstD, DNNLArg.weights: w, DNNLArg.diffSrc: dx.memory], what: "deconvolution backward data")
        let src = try saved.memory.reordered(to: bw.md(.src))
        let dw = try weightGradScratch.outputBuffer(for: bw.md(.diffWeights))
        var args = [DNNLArg.src: src, DNNLArg.diffDst: diffDst, DNNLArg.diffWeights: dw]
        if let db = biasGradScratch { args[DNNLArg.diffBias] = db }
        try p.backwardWeights.execute(args: args, what: "deconvolution backward weights")
        if dw !== weightGradScratch { try dw.reorder(into: weightGradScratch) }
        // iohw bytes are PyTorch's [in, out, k, k] row-major order.
        weightGradScratch.withUnsafeBufferPointer { weight.grad.accumulate($0) }
        if let b = bias, let db = biasGradScratch { db.withUnsafeBufferPointer { b.grad.accumulate($0) } }
        return dx
    }

    public func releaseSaved() { savedInput = nil }
}
