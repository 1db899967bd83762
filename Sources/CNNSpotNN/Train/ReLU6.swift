/// min(max(x, 0), 6) (torch.nn.ReLU6 = hardtanh(x, 0, 6)). Backward passes dy only strictly
/// inside (0, 6): PyTorch's hardtanh_backward gives 0 at both bounds. oneDNN eltwise
/// `clip_v2_use_dst_for_bwd` (the v2 clip's backward is 0 at the bounds; the original `clip`
/// passes the gradient at x == 6), so only the output is kept.
public final class ReLU6 {
    private let op = EltwiseLayer("ReLU6", .clipV2UseDst, alpha: 0, beta: 6, useDst: true)
    public init() {}
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor { try op.forward(x, mode: mode) }
    public func backward(_ dy: Tensor) throws -> Tensor { try op.backward(dy) }
    public func releaseSaved() { op.releaseSaved() }
}
