/// x for x > 0, slope * x otherwise (torch.nn.LeakyReLU(negative_slope)). Backward dy for
/// x > 0, slope * dy otherwise (also at x == 0, as PyTorch's leaky_relu_backward). oneDNN eltwise
/// `relu` with alpha = slope, backward from the kept input (the dst variant needs slope >= 0
/// and could not tell x == 0 from a negative x with slope 0).
public final class LeakyReLU {
    public let negativeSlope: Float
    private let op: EltwiseLayer
    public init(negativeSlope: Float = 0.01) {
        self.negativeSlope = negativeSlope
        op = EltwiseLayer("LeakyReLU(\(negativeSlope))", .relu, alpha: negativeSlope, useDst: false)
    }
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor { try op.forward(x, mode: mode) }
    public func backward(_ dy: Tensor) throws -> Tensor { try op.backward(dy) }
    public func releaseSaved() { op.releaseSaved() }
}
