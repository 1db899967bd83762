/// 2-D convolution (torch.nn.Conv2d): square kernel, stride, zero padding (symmetric, explicit
/// per side, or TensorFlow "same"), `groups` (depthwise when groups == in == out channels),
/// optional bias. Output `floor((H + top + bottom - k) / s) + 1`. Weight `[out, in/groups, k, k]`
/// (PyTorch's OIHW; for groups > 1 the same bytes are oneDNN's `goihw` `[g, out/g, in/g, k, k]`),
/// bias `[out]`. oneDNN convolution forward, backward-data and backward-weights (with
/// diff_bias) in oneDNN's preferred layouts (`ComputeOptions.preferBlockedLayouts`): outputs stay blocked for
/// the next layer, inputs of another layout are reordered. Primitives cached per input shape.
public final class Conv2d {
    /// Zero padding of the input.
    public enum Padding: Equatable, Sendable {
        /// The same on all four sides (PyTorch's `padding=p`).
        case symmetric(Int)
        /// Each side separately (what `F.pad(x, (left, right, top, bottom))` then an unpadded conv does).
        case explicit(top: Int, left: Int, bottom: Int, right: Int)
        /// TensorFlow "SAME", computed from each input size as EfficientNet-Lite's
        /// `Conv2dDynamicSamePadding`: total = max((ceil(H/s) - 1) * s + k - H, 0), top = total / 2,
        /// bottom = total - top (the extra row/column goes bottom/right). Output ceil(H / s).
        case tfSame
    }

    public let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, groups: Int
    public let paddingMode: Padding
    /// The symmetric padding (`.symmetric(p)`), 0 for the other modes (see `paddingMode`).
    public var padding: Int { if case .symmetric(let p) = paddingMode { return p } else { return 0 } }
    public let weight: Parameter
    /// `[out]`, nil for a convolution without bias.
    public let bias: Parameter?

    private struct Primitives {
        let forward: DNNLPrimitive
        let backwardData: DNNLPrimitive
        let backwardWeights: DNNLPrimitive
        let outputShape: [Int]
    }
    private var cache: [[Int]: Primitives] = [:]
    /// The forward input in the layout the forward primitive used (kept for backward-weights).
    private var savedInput: (shape: [Int], memory: DNNLMemory, primitives: Primitives)?
    /// oneDNN's weight dims: `[out, in, k, k]`, or `[g, out/g, in/g, k, k]` with groups.
    private let dnnlWeightDims: [Int]
    /// groups > 1: the weight values under the 5-D dims (refreshed before every use; same bytes).
    private let groupedWeight: DNNLMemory?
    /// oneDNN overwrites diff_weights / diff_bias; results land here and are added to the grads.
    private let weightGradScratch: DNNLMemory
    private let biasGradScratch: DNNLMemory?

    /// Symmetric padding (the original initializer: no groups, no bias unless asked).
    public convenience init(
        _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
        groups: Int = 1, bias: Bool = false
    ) throws {
        try self.init(inChannels, outChannels, kernel: kernel, stride: stride, padding: .symmetric(padding), groups: groups, bias: bias)
    }

    public init(
        _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Padding,
        groups: Int = 1, bias: Bool = false
    ) throws {
        let what = "Conv2d(\(inChannels)->\(outChannels), k\(kernel) s\(stride) \(padding) groups \(groups))"
        guard inChannels > 0, outChannels > 0, kernel > 0, stride > 0, groups > 0 else {
            throw NNError.badShape("\(what): channels, kernel, stride and groups must be positive")
        }
        guard inChannels % groups == 0, outChannels % groups == 0 else {
            throw NNError.badShape("\(what): in and out channels must be multiples of groups")
        }
        switch padding {
        case .symmetric(let p) where p < 0: throw NNError.badShape("\(what): negative padding")
        case .explicit(let t, let l, let b, let r) where min(t, l, b, r) < 0: throw NNError.badShape("\(what): negative padding")
        default: break
        }
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernel = kernel; self.stride = stride; self.paddingMode = padding; self.groups = groups
        weight = try Parameter(zeros: [outChannels, inChannels / groups, kernel, kernel])
        self.bias = bias ? try Parameter(zeros: [outChannels]) : nil
        dnnlWeightDims = groups == 1 ? weight.shape : [groups, outChannels / groups, inChannels / groups, kernel, kernel]
        groupedWeight = groups == 1 ? nil : try DNNLMemory(plain: dnnlWeightDims)
        weightGradScratch = try DNNLMemory(plain: dnnlWeightDims)
        biasGradScratch = bias ? try DNNLMemory(plain: [outChannels]) : nil
    }

    /// (top, left, bottom, right) zero padding for an input of `h` x `w`.
    public func pads(height h: Int, width w: Int) -> (top: Int, left: Int, bottom: Int, right: Int) {
        switch paddingMode {
        case .symmetric(let p): return (p, p, p, p)
        case .explicit(let t, let l, let b, let r): return (t, l, b, r)
        case .tfSame:
            func same(_ n: Int) -> (Int, Int) {
                let total = max(((n + stride - 1) / stride - 1) * stride + kernel - n, 0)
                return (total / 2, total - total / 2)
            }
            let (t, b) = same(h), (l, r) = same(w)
            return (t, l, b, r)
        }
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 4, input[1] == inChannels else {
            throw NNError.badShape("Conv2d(\(inChannels)->\(outChannels)): input \(input), expected [N, \(inChannels), H, W]")
        }
        let p = pads(height: input[2], width: input[3])
        let ph = input[2] + p.top + p.bottom, pw = input[3] + p.left + p.right
        guard ph >= kernel, pw >= kernel else {
            throw NNError.badShape("Conv2d k\(kernel) s\(stride) \(paddingMode): input \(input) too small")
        }
        return [input[0], outChannels, (ph - kernel) / stride + 1, (pw - kernel) / stride + 1]
    }

    private func primitives(for input: [Int]) throws -> Primitives {
        let blocked = ComputeOptions.current.preferBlockedLayouts
        let key = input + [blocked ? 1 : 0]
        if let p = cache[key] { return p }
        let out = try outputShape(for: input)
        let layout: ([Int]) throws -> DNNLMemoryDesc = blocked ? DNNLMemoryDesc.any : DNNLMemoryDesc.plain
        let src = try layout(input), dst = try layout(out), w = try layout(dnnlWeightDims)
        let pd = pads(height: input[2], width: input[3])
        let window = DNNLWindow(strides: [stride, stride], padBefore: [pd.top, pd.left], padAfter: [pd.bottom, pd.right])
        let what = "conv \(input) -> \(out) k\(kernel) s\(stride) pad \(pd) groups \(groups)"
        let biasDesc = bias == nil ? nil : try DNNLMemoryDesc.plain([outChannels])
        let fpd = try DNNLPrimitiveDesc.convolution(.training, src: src, weights: w, bias: biasDesc, dst: dst, window: window, what: what)
        let bdpd = try DNNLPrimitiveDesc.convolutionBackwardData(
            diffSrc: src, weights: w, diffDst: dst, window: window, hint: fpd,
            what: "backward data " + what)
        let bwpd = try DNNLPrimitiveDesc.convolutionBackwardWeights(
            src: src, diffWeights: w, diffBias: biasDesc, diffDst: dst,
            window: window, hint: fpd, what: "backward weights " + what)

        let p = Primitives(
            forward: try DNNLPrimitive(fpd), backwardData: try DNNLPrimitive(bdpd),
            backwardWeights: try DNNLPrimitive(bwpd), outputShape: out)
        cache[key] = p
        return p
    }

    /// The weight values under oneDNN's dims (`dnnlWeightDims`), row-major.
    private func weightSource() -> DNNLMemory {
        guard let g = groupedWeight else { return weight.value.memory }
        weight.value.withUnsafeBufferPointer { src in g.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: src) } }
        return g
    }

    /// `x` `[N, in, H, W]` -> `[N, out, OH, OW]`, in the layout the primitive prefers (row-major
    /// when `ComputeOptions.preferBlockedLayouts` is off). In train mode the input is kept for backward.
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let p = try primitives(for: x.shape)
        let pd = p.forward.desc
        let src = try x.memory.reordered(to: pd.md(.src))
        let w = try weightSource().reordered(to: pd.md(.weights))
        let y = try Tensor(output: pd.md(.dst))
        var args = [DNNLArg.src: src, DNNLArg.weights: w, DNNLArg.dst: y.memory]
        if let b = bias { args[DNNLArg.bias] = b.value.memory }
        try p.forward.execute(args: args)
        savedInput = mode == .train ? (x.shape, src, p) : nil
        return y
    }

    /// `dy` `[N, out, OH, OW]` (any layout) -> `dx` `[N, in, H, W]`; adds dL/dW into
    /// `weight.grad` and dL/db (sum of dy over N, H, W) into `bias.grad`. The kept input is released.
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
        let diffDst = try dy.memory.reordered(to: bw.md(.diffDst))
        var dx: Tensor? = nil
        if inputGradient {
            let diffDstD = try diffDst.reordered(to: bd.md(.diffDst))
            let w = try weightSource().reordered(to: bd.md(.weights))
            let out = try Tensor(output: bd.md(.diffSrc))
            try p.backwardData.execute(args: [DNNLArg.diffDst: diffDstD, DNNLArg.weights: w, DNNLArg.diffSrc: out.memory])
            dx = out
        }
        let src = try saved.memory.reordered(to: bw.md(.src))
        let dw = try weightGradScratch.outputBuffer(for: bw.md(.diffWeights))
        var args = [DNNLArg.src: src, DNNLArg.diffDst: diffDst, DNNLArg.diffWeights: dw]
        if let db = biasGradScratch { args[DNNLArg.diffBias] = db }
        try p.backwardWeights.execute(args: args)
        if dw !== weightGradScratch { try dw.reorder(into: weightGradScratch) }
        weightGradScratch.withUnsafeBufferPointer { weight.grad.accumulate($0) }
        if let b = bias, let db = biasGradScratch { db.withUnsafeBufferPointer { b.grad.accumulate($0) } }
        return dx
    }

    /// Drops activations kept for backward.
    public func releaseSaved() { savedInput = nil }
}
