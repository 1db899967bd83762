/// torch.nn.MSELoss(reduction='mean'): mean over all elements of (prediction - target)^2. The
/// gradient is 2 (prediction - target) / count. Double accumulation in a fixed order
/// (thread-count independent).
public enum MSELoss {
    /// Equal shapes, non-empty; returns the mean loss and dL/dprediction.
    public static func forwardBackward(prediction: HostTensor, target: HostTensor) throws -> (loss: Float, grad: HostTensor) {
        try LossSupport.check("MSELoss", prediction.shape, target.shape)
        let n = prediction.count, scale = 2 / Double(n)
        var total = 0.0
        var grad = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let d = Double(prediction.data[i]) - Double(target.data[i])
            total += d * d
            grad[i] = Float(scale * d)
        }
        return (Float(total / Double(n)), HostTensor(shape: prediction.shape, data: grad))
    }

    /// The mean loss only.
    public static func loss(prediction: HostTensor, target: HostTensor) throws -> Float {
        try forwardBackward(prediction: prediction, target: target).loss
    }

    /// On network tensors (any layout): the loss and a row-major gradient tensor.
    public static func forwardBackward(prediction: Tensor, target: Tensor) throws -> (loss: Float, grad: Tensor) {
        let (loss, grad) = try forwardBackward(prediction: prediction.host, target: target.host)
        return (loss, try Tensor(grad))
    }
}
