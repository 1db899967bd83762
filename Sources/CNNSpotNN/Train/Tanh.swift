/// tanh(x) (torch.nn.Tanh). Backward dy * (1 - y^2) from the kept output (oneDNN eltwise
/// `tanh_use_dst_for_bwd`, the formula PyTorch's tanh_backward uses).
public final class Tanh {
    private let op = EltwiseLayer("Tanh", .tanhUseDst, useDst: true)
    public init() {}
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor { try op.forward(x, mode: mode) }
    public func backward(_ dy: Tensor) throws -> Tensor { try op.backward(dy) }
    public func releaseSaved() { op.releaseSaved() }
}
