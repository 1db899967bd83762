import Foundation

/// torch.nn.BCEWithLogitsLoss(reduction='mean'): mean over all elements of
/// `max(z, 0) - z*y + log(1 + exp(-|z|))` (the stable form: no overflow for large |z|).
/// The gradient is `(sigmoid(z) - y) / count`.
public enum BCEWithLogits {
    /// `logits` and `targets` of equal shape (targets in [0, 1]); returns the mean loss and dL/dlogits.
    public static func forwardBackward(logits: HostTensor, targets: HostTensor) throws -> (loss: Float, grad: HostTensor) {
        guard logits.shape == targets.shape, logits.count > 0 else {
            throw NNError.badShape("BCEWithLogits: logits \(logits.shape) and targets \(targets.shape) must match and be non-empty")
        }
        let n = logits.count
        var total = 0.0
        var grad = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let z = Double(logits.data[i]), y = Double(targets.data[i])
            total += max(z, 0) - z * y + log1p(exp(-abs(z)))
            let s = z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
            grad[i] = Float((s - y) / Double(n))
        }
        return (Float(total / Double(n)), HostTensor(shape: logits.shape, data: grad))
    }

    /// The mean loss only.
    public static func loss(logits: HostTensor, targets: HostTensor) throws -> Float {
        try forwardBackward(logits: logits, targets: targets).loss
    }
}
