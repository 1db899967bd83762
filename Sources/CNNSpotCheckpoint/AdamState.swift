import Foundation

/// `torch.optim.Adam.state_dict()` as saved in CNNDetection training checkpoints
/// (`{'model': ..., 'optimizer': adam.state_dict(), 'total_steps': n}`):
/// `state: {param_index: {step, exp_avg, exp_avg_sq[, max_exp_avg_sq]}}` and
/// `param_groups: [{lr, betas, eps, weight_decay, amsgrad, params: [param_index...], ...}]`.
/// Parameter indices count the model's `parameters()` in registration order (torchvision
/// ResNet order: conv1.weight, bn1.weight, bn1.bias, layer1.0.conv1.weight, ...; buffers such as
/// running_mean are not parameters); mapping them to names is the caller's job.
public struct AdamState: Sendable {
    public struct Moments: Sendable {
        /// Steps taken for this parameter. torch >= 1.12 saves a float32 0-d tensor, older torch an int.
        public var step: Double
        /// First moment, same shape as the parameter.
        public var expAvg: CheckpointTensor
        /// Second moment, same shape as the parameter.
        public var expAvgSq: CheckpointTensor
        /// Only with `amsgrad`.
        public var maxExpAvgSq: CheckpointTensor?
    }

    public struct Group: Sendable {
        public var lr: Double
        public var beta1: Double
        public var beta2: Double
        public var eps: Double
        public var weightDecay: Double
        public var amsgrad: Bool
        /// Indices into the model's parameter list, in order.
        public var params: [Int]
    }

    /// Moments by parameter index (parameters that never received a gradient have none).
    public var state: [Int: Moments]
    public var groups: [Group]

    /// Parses an optimizer state dict value.
    public init(_ value: CheckpointValue) throws {
        guard let top = value.dict else {
            throw CheckpointError.typeMismatch(key: "optimizer", expected: "dict", found: value.typeName)
        }
        guard let stateDict = top["state"]?.dict else { throw CheckpointError.missing("optimizer.state dict") }
        guard let groupList = top["param_groups"]?.list else { throw CheckpointError.missing("optimizer.param_groups list") }
        var state: [Int: Moments] = [:]
        for (key, entry) in stateDict.entries {
            let name = "optimizer.state.\(key)"
            guard case let .int(index) = key, index >= 0, index < Int64(Int32.max) else {
                throw CheckpointError.typeMismatch(key: name, expected: "an integer parameter index", found: key.description)
            }
            guard let d = entry.dict else { throw CheckpointError.typeMismatch(key: name, expected: "dict", found: entry.typeName) }
            func tensor(_ field: String) throws -> CheckpointTensor {
                guard let t = d[field]?.tensor else {
                    throw CheckpointError.typeMismatch(key: "\(name).\(field)", expected: "tensor", found: d[field]?.typeName ?? "nothing")
                }
                return t
            }
            guard let step = d["step"]?.doubleValue else {
                throw CheckpointError.typeMismatch(key: "\(name).step", expected: "a number or 1-element tensor", found: d["step"]?.typeName ?? "nothing")
            }
            let avg = try tensor("exp_avg"), avgSq = try tensor("exp_avg_sq")
            guard avg.shape == avgSq.shape else {
                throw CheckpointError.badTensor(key: "\(name).exp_avg_sq", reason: "shape \(avgSq.shape) differs from exp_avg \(avg.shape)")
            }
            state[Int(index)] = Moments(
                step: step, expAvg: avg, expAvgSq: avgSq,
                maxExpAvgSq: d["max_exp_avg_sq"] == nil ? nil : try tensor("max_exp_avg_sq"))
        }
        var groups: [Group] = []
        for (i, g) in groupList.enumerated() {
            let name = "optimizer.param_groups.\(i)"
            guard let d = g.dict else { throw CheckpointError.typeMismatch(key: name, expected: "dict", found: g.typeName) }
            func number(_ field: String) throws -> Double {
                guard let v = d[field]?.doubleValue else {
                    throw CheckpointError.typeMismatch(key: "\(name).\(field)", expected: "number", found: d[field]?.typeName ?? "nothing")
                }
                return v
            }
            guard let betas = d["betas"]?.list, betas.count == 2, let b1 = betas[0].doubleValue, let b2 = betas[1].doubleValue else {
                throw CheckpointError.typeMismatch(key: "\(name).betas", expected: "a pair of numbers", found: d["betas"]?.typeName ?? "nothing")
            }
            guard let params = d["params"]?.list else { throw CheckpointError.missing("\(name).params") }
            let indices: [Int] = try params.map {
                guard case let .int(p) = $0, p >= 0, p < Int64(Int32.max) else {
                    throw CheckpointError.typeMismatch(key: "\(name).params", expected: "non-negative integers", found: $0.typeName)
                }
                return Int(p)
            }
            var amsgrad = false
            if case let .bool(b)? = d["amsgrad"] { amsgrad = b }
            groups.append(
                Group(
                    lr: try number("lr"), beta1: b1, beta2: b2, eps: try number("eps"),
                    weightDecay: try number("weight_decay"), amsgrad: amsgrad, params: indices))
        }
        self.state = state
        self.groups = groups
    }
}

extension LoadedCheckpoint {
    /// The Adam state under `optimizer`, or nil when the checkpoint holds none.
    public func adamState() throws -> AdamState? {
        guard let value = root.dict?["optimizer"] else { return nil }
        return try AdamState(value)
    }
}
