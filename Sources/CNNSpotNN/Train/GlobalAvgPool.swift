/// Adaptive average pool to 1x1 followed by flatten (torchvision's `avgpool` + `torch.flatten(x, 1)`):
/// `[N, C, H, W]` (any layout) -> `[N, C]`, the mean over H*W (accumulated in Double); dx row-major.
public final class GlobalAvgPool {
    private var savedInputShape: [Int]?

    public init() {}

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        guard x.shape.count == 4 else { throw NNError.badShape("GlobalAvgPool: input \(x.shape), expected [N, C, H, W]") }
        let (rows, hw) = (x.shape[0] * x.shape[1], x.shape[2] * x.shape[3])
        let y = try Tensor(zeros: [x.shape[0], x.shape[1]])
        try x.plain().withUnsafeBufferPointer { src in
            y.withUnsafeMutableBufferPointer { dst in
                for r in 0..<rows {
                    var s = 0.0
                    for i in 0..<hw { s += Double(src[r * hw + i]) }
                    dst[r] = Float(s / Double(hw))
                }
            }
        }
        savedInputShape = mode == .train ? x.shape : nil
        return y
    }

    /// `dy` `[N, C]` -> `dx` `[N, C, H, W]` = dy / (H*W) everywhere.
    public func backward(_ dy: Tensor) throws -> Tensor {
        guard let shape = savedInputShape else { throw NNError.badState("GlobalAvgPool.backward without a train-mode forward") }
        guard dy.shape == [shape[0], shape[1]] else { throw NNError.badShape("GlobalAvgPool.backward: dy \(dy.shape), expected \([shape[0], shape[1]])") }
        let hw = shape[2] * shape[3]
        let dx = try Tensor(zeros: shape)
        dy.withUnsafeBufferPointer { g in
            dx.withUnsafeMutableBufferPointer { d in
                for r in 0..<g.count {
                    let v = g[r] / Float(hw)
                    for i in 0..<hw { d[r * hw + i] = v }
                }
            }
        }
        return dx
    }

    public func releaseSaved() { savedInputShape = nil }
}
