/// max(x, 0) (torch.nn.ReLU). Backward passes dy where the output is positive (PyTorch's
/// threshold_backward on the result: zero gradient at x == 0). oneDNN eltwise
/// `relu_use_dst_for_bwd` in the input's layout, so only the output is kept.
public final class ReLU {
    private let op = EltwiseLayer("ReLU", .reluUseDst, useDst: true)
    public init() {}
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor { try op.forward(x, mode: mode) }
    public func backward(_ dy: Tensor) throws -> Tensor { try op.backward(dy) }
    public func releaseSaved() { op.releaseSaved() }
}
