/// A trainable value and its gradient (same shape). Gradients accumulate (`+=`) over
/// backward calls until `zeroGrad()`, as in PyTorch.
public final class Parameter {
    public let value: Tensor
    public let grad: Tensor

    public init(zeros shape: [Int]) throws {
        value = try Tensor(zeros: shape)
        grad = try Tensor(zeros: shape)
    }

    public var shape: [Int] { value.shape }
    public func zeroGrad() { grad.zero() }
}

/// Whether a forward pass trains (batch statistics, running stats updated, activations kept
/// for backward) or infers (running statistics). Explicit per call, never a global flag.
public enum ForwardMode: Sendable {
    case train
    case eval
}
