/// Up-sampling by an integer factor, inference only: `torch.nn.Upsample(scale_factor: f,
/// mode: 'nearest')` (each pixel repeated f x f) or `mode: 'bilinear', align_corners=False`
/// (half-pixel centres, source coordinate `(o + 0.5) / f - 0.5` clamped at the borders).
/// oneDNN resampling forward (`nearest` / `linear`), which uses the same conventions, in the
/// input's layout.
final class GeneratorResample {
    enum Mode: Sendable { case nearest, bilinear }
    let mode: Mode
    let factor: Int
    private var cache: [[Int]: (layout: DNNLMemoryDesc, primitive: DNNLPrimitive)] = [:]

    init(_ mode: Mode, factor: Int) {
        precondition(factor >= 1)
        self.mode = mode; self.factor = factor
    }

    func forward(_ x: Tensor) throws -> Tensor {
        guard x.shape.count == 4 else { throw NNError.badShape("upsample: input \(x.shape), expected [N, C, H, W]") }
        let out = [x.shape[0], x.shape[1], x.shape[2] * factor, x.shape[3] * factor]
        let md = x.memory.desc
        let p: DNNLPrimitive
        if let hit = cache[x.shape], hit.layout.isEqual(to: md) {
            p = hit.primitive
        } else {
            let what = "generator upsample \(mode) x\(factor) \(x.shape)"
            p = try DNNLPrimitive(
                DNNLPrimitiveDesc.resampling(
                    .inference, mode == .nearest ? .nearest : .linear,
                    factors: [Float(factor), Float(factor)], src: md,
                    dst: .any(out), what: what))
            cache[x.shape] = (md, p)
        }
        let y = try Tensor(output: p.desc.md(.dst))
        try p.execute(args: [DNNLArg.src: x.memory, DNNLArg.dst: y.memory], what: "generator upsample \(x.shape)")
        return y
    }
}
