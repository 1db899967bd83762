/// torch.optim.SGD with momentum, dampening 0, optional Nesterov, L2 weight decay:
///
///     g = grad + weight_decay * p
///     b = g (first step), else b = momentum * b + g
///     p -= lr * (nesterov ? g + momentum * b : b)
public final class SGD {
    public var lr: Double
    public let momentum: Double, weightDecay: Double, nesterov: Bool
    private let parameters: [(key: String, parameter: Parameter)]
    private var buffers: [String: Tensor] = [:]

    public init(
        _ parameters: [(key: String, parameter: Parameter)], lr: Double, momentum: Double = 0,
        weightDecay: Double = 0, nesterov: Bool = false
    ) {
        self.parameters = parameters
        self.lr = lr; self.momentum = momentum; self.weightDecay = weightDecay; self.nesterov = nesterov
    }

    public func step() throws {
        let (lrF, mu, wd) = (Float(lr), Float(momentum), Float(weightDecay))
        for (key, p) in parameters {
            var buffer: Tensor? = nil
            var first = false
            if momentum != 0 {
                if let b = buffers[key] {
                    buffer = b
                } else {
                    buffer = try Tensor(zeros: p.shape); buffers[key] = buffer; first = true
                }
            }
            p.value.withUnsafeMutableBufferPointer { w in
                p.grad.withUnsafeBufferPointer { g in
                    guard let buffer else {
                        for i in 0..<w.count { w[i] -= lrF * (g[i] + wd * w[i]) }
                        return
                    }
                    buffer.withUnsafeMutableBufferPointer { b in
                        for i in 0..<w.count {
                            let gi = g[i] + wd * w[i]
                            b[i] = first ? gi : mu * b[i] + gi
                            w[i] -= lrF * (nesterov ? gi + mu * b[i] : b[i])
                        }
                    }
                }
            }
        }
    }

    /// Momentum buffers by key (PyTorch's `momentum_buffer`).
    public func exportState() -> [String: HostTensor] { buffers.mapValues(\.host) }

    public func importState(_ state: [String: HostTensor]) throws {
        let shapes = Dictionary(uniqueKeysWithValues: parameters.map { ($0.key, $0.parameter.shape) })
        for (key, b) in state {
            guard let shape = shapes[key] else { throw NNError.badState("SGD state: unknown parameter key \(key)") }
            guard b.shape == shape else { throw NNError.badShape("SGD state \(key): momentum_buffer \(b.shape), parameter is \(shape)") }
        }
        for (key, b) in state { buffers[key] = try Tensor(b) }
    }
}
