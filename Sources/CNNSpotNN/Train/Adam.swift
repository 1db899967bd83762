import Foundation

/// torch.optim.Adam (amsgrad off, maximize off), element-wise in Float as PyTorch's CPU
/// kernels do, with scalars computed in Double:
///
///     g  = grad + weight_decay * p                (L2, added to the gradient)
///     m  = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
///     p -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
///
/// State per parameter key: `step`, `exp_avg`, `exp_avg_sq`, as in PyTorch's state dict.
public final class Adam {
    /// Learning rate for the next `step()` (the LR schedule sets it).
    public var lr: Double
    public let beta1: Double, beta2: Double, eps: Double, weightDecay: Double

    /// One parameter's moments, exchangeable with checkpoints (`state[i]` of torch's optimizer).
    public struct State: Equatable, Sendable {
        public var step: Int
        public var expAvg: HostTensor
        public var expAvgSq: HostTensor
        public init(step: Int, expAvg: HostTensor, expAvgSq: HostTensor) {
            self.step = step; self.expAvg = expAvg; self.expAvgSq = expAvgSq
        }
    }

    private let parameters: [(key: String, parameter: Parameter)]
    private var moments: [String: (step: Int, m: Tensor, v: Tensor)] = [:]

    /// `parameters` in `model.parameters()` order (the order PyTorch's optimizer state indexes).
    public init(
        _ parameters: [(key: String, parameter: Parameter)], lr: Double = 1e-4, betas: (Double, Double) = (0.9, 0.999),
        eps: Double = 1e-8, weightDecay: Double = 0
    ) {
        self.parameters = parameters
        self.lr = lr; beta1 = betas.0; beta2 = betas.1; self.eps = eps; self.weightDecay = weightDecay
    }

    /// Parameter keys in optimizer order.
    public var keys: [String] { parameters.map(\.key) }

    /// One update of every parameter from its current `grad`.
    public func step() throws {
        for (key, p) in parameters {
            if moments[key] == nil { moments[key] = (0, try Tensor(zeros: p.shape), try Tensor(zeros: p.shape)) }
            var s = moments[key]!
            s.step += 1
            moments[key] = s
            let t = Double(s.step)
            let stepSize = Float(lr / (1 - pow(beta1, t)))
            let bc2Sqrt = Float((1 - pow(beta2, t)).squareRoot())
            let (b1c, b2, b2c) = (Float(1 - beta1), Float(beta2), Float(1 - beta2))
            let (e, wd) = (Float(eps), Float(weightDecay))
            p.value.withUnsafeMutableBufferPointer { w in
                p.grad.withUnsafeBufferPointer { g in
                    s.m.withUnsafeMutableBufferPointer { m in
                        s.v.withUnsafeMutableBufferPointer { v in
                            parallelRanges(w.count) { r in
                                for i in r {
                                    let gi = wd == 0 ? g[i] : g[i] + wd * w[i]
                                    m[i] += b1c * (gi - m[i])
                                    v[i] = v[i] * b2 + b2c * (gi * gi)
                                    let denom = v[i].squareRoot() / bc2Sqrt + e
                                    w[i] -= stepSize * (m[i] / denom)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The state of every parameter that has taken a step, by key.
    public func exportState() -> [String: State] {
        moments.mapValues { State(step: $0.step, expAvg: $0.m.host, expAvgSq: $0.v.host) }
    }

    /// The state by position in `keys` (PyTorch's optimizer `state_dict()['state']` is indexed
    /// this way: `state[i]` belongs to the i-th parameter of `model.parameters()`).
    public func exportIndexedState() -> [Int: State] {
        let byKey = exportState()
        var out: [Int: State] = [:]
        for (i, key) in keys.enumerated() { if let s = byKey[key] { out[i] = s } }
        return out
    }

    /// Imports PyTorch-style indexed state (see `exportIndexedState`); indices must be in range.
    public func importIndexedState(_ state: [Int: State]) throws {
        let k = keys
        var byKey: [String: State] = [:]
        for (i, s) in state {
            guard i >= 0 && i < k.count else { throw NNError.badState("Adam state: index \(i) out of range (\(k.count) parameters)") }
            byKey[k[i]] = s
        }
        try importState(byKey)
    }

    /// Replaces the state for the given keys (resuming training). Every key must be one of
    /// this optimizer's parameters and every moment must have the parameter's shape.
    public func importState(_ state: [String: State]) throws {
        let shapes = Dictionary(uniqueKeysWithValues: parameters.map { ($0.key, $0.parameter.shape) })
        var loaded: [String: (step: Int, m: Tensor, v: Tensor)] = [:]
        for (key, s) in state {
            guard let shape = shapes[key] else { throw NNError.badState("Adam state: unknown parameter key \(key)") }
            guard s.expAvg.shape == shape, s.expAvgSq.shape == shape else {
                throw NNError.badShape("Adam state \(key): exp_avg \(s.expAvg.shape) / exp_avg_sq \(s.expAvgSq.shape), parameter is \(shape)")
            }
            guard s.step >= 0 else { throw NNError.badState("Adam state \(key): negative step \(s.step)") }
            loaded[key] = (s.step, try Tensor(s.expAvg), try Tensor(s.expAvgSq))
        }
        for (k, v) in loaded { moments[k] = v }
    }
}
