/// Up-sampling by an integer factor (torch.nn.functional.interpolate(x, scale_factor=f, mode=...)):
/// `.nearest` copies x[floor(i / f)], `.bilinear` is align_corners=False (source coordinate
/// (i + 0.5) / f - 0.5, clamped at the edges). `[N, C, H, W]` -> `[N, C, H*f, W*f]`.
///
/// oneDNN resampling forward and backward (`resampling_nearest` / `resampling_linear`), in the
/// input's layout. For integer factors oneDNN's source indices are PyTorch's: nearest
/// floor((i + 0.5) / f) = floor(i / f), linear the same half-pixel formula with the same edge
/// clamp (checked against PyTorch and a naive kernel for f = 2, and the naive kernel for f = 3).
/// Each output value is computed independently, so the forward does not depend on the thread count.
public final class Upsample {
    public enum Mode: Sendable { case nearest, bilinear }
    public let factor: Int
    public let mode: Mode

    private struct Primitives {
        let layout: DNNLMemoryDesc
        let forward: DNNLPrimitive; let backward: DNNLPrimitive
        let output: DNNLMemoryDesc
    }
    /// Per input shape, for the input layout last seen.
    private var cache: [[Int]: Primitives] = [:]
    private var savedInput: DNNLMemoryDesc?

    public init(factor: Int = 2, mode: Mode) throws {
        guard factor >= 1 else { throw NNError.badShape("Upsample: factor \(factor) must be a positive integer") }
        self.factor = factor; self.mode = mode
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 4 else { throw NNError.badShape("Upsample x\(factor): input \(input), expected [N, C, H, W]") }
        return [input[0], input[1], input[2] * factor, input[3] * factor]
    }

    private func primitives(for layout: DNNLMemoryDesc) throws -> Primitives {
        let input = layout.dims
        if let p = cache[input], p.layout.isEqual(to: layout) { return p }
        let out = try outputShape(for: input)
        let dst = try DNNLMemoryDesc.any(out)
        let alg: DNNLResampling = mode == .nearest ? .nearest : .linear
        let factors = [Float(factor), Float(factor)]
        let what = "upsample \(mode) \(input) -> \(out)"
        let fpd = try DNNLPrimitiveDesc.resampling(.training, alg, factors: factors, src: layout, dst: dst, what: what)
        let output = fpd.md(.dst)
        let bpd = try DNNLPrimitiveDesc.resamplingBackward(
            alg, factors: factors, diffSrc: layout, diffDst: output, hint: fpd,
            what: "backward " + what)
        let p = Primitives(layout: layout, forward: try DNNLPrimitive(fpd), backward: try DNNLPrimitive(bpd), output: output)
        cache[input] = p
        return p
    }

    /// `x` `[N, C, H, W]` -> `[N, C, H*f, W*f]` (layout follows the input).
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let p = try primitives(for: x.memory.desc)
        let y = try Tensor(output: p.output)
        try p.forward.execute(args: [DNNLArg.src: x.memory, DNNLArg.dst: y.memory], what: "upsample")
        savedInput = mode == .train ? x.memory.desc : nil
        return y
    }

    /// `dy` `[N, C, H*f, W*f]` -> `dx` `[N, C, H, W]`: each dy value added to the inputs it was
    /// made from (with the bilinear weights).
    public func backward(_ dy: Tensor) throws -> Tensor {
        guard let input = savedInput else { throw NNError.badState("Upsample.backward without a train-mode forward") }
        let p = try primitives(for: input)
        guard dy.shape == p.output.dims else { throw NNError.badShape("Upsample.backward: dy \(dy.shape), expected \(p.output.dims)") }
        savedInput = nil
        let g = try dy.inLayout(p.output)
        let dx = try Tensor(output: input)
        try p.backward.execute(args: [DNNLArg.diffDst: g.memory, DNNLArg.diffSrc: dx.memory], what: "upsample backward")
        return dx
    }

    public func releaseSaved() { savedInput = nil }
}
