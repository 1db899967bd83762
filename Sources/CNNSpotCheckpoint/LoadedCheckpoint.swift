import Foundation

/// A named tensor (state-dict entry).
public typealias NamedTensor = (key: String, tensor: CheckpointTensor)

/// A checkpoint as loaded: the object tree plus format details. Every tensor in the tree has
/// been checked against its storage (an out-of-bounds view is an error naming its dotted key).
public struct LoadedCheckpoint: Sendable {
    public let format: CheckpointFormat
    /// What `torch.load` would return (for safetensors: a dict of the tensors in file order).
    public let root: CheckpointValue
    /// safetensors `__metadata__` (empty for PyTorch files).
    public let metadata: [String: String]
    /// Zip format: the archive's folder name (e.g. `archive`) and its `version` record.
    public let archiveName: String?
    public let formatVersion: String?

    init(
        format: CheckpointFormat, root: CheckpointValue, metadata: [String: String] = [:],
        archiveName: String? = nil, formatVersion: String? = nil
    ) throws {
        self.format = format
        self.root = root
        self.metadata = metadata
        self.archiveName = archiveName
        self.formatVersion = formatVersion
        for (key, tensor) in LoadedCheckpoint.flatten(root, prefix: "") {
            try tensor.validate(key: key)
        }
    }

    /// Every tensor in the tree with a dotted key (`model.conv1.weight`,
    /// `optimizer.state.0.exp_avg`, list items by index), in file order.
    public var allTensors: [NamedTensor] { LoadedCheckpoint.flatten(root, prefix: "") }

    static func flatten(_ v: CheckpointValue, prefix: String) -> [NamedTensor] {
        func join(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }
        switch v {
        case let .tensor(t): return [(prefix, t)]
        case let .dict(d): return d.entries.flatMap { flatten($0.value, prefix: join($0.key.description)) }
        case let .list(l): return l.enumerated().flatMap { flatten($0.element, prefix: join(String($0.offset))) }
        default: return []
        }
    }

    /// Where the model's state dict was found: `model`, `state_dict`, or the top level.
    public var stateDictLocation: String? {
        guard let top = root.dict else { return nil }
        for key in ["model", "state_dict"] {
            if let d = top[key]?.dict, LoadedCheckpoint.holdsTensors(d) { return key }
        }
        return LoadedCheckpoint.holdsTensors(top) ? "" : nil
    }

    private static func holdsTensors(_ d: CheckpointDict) -> Bool {
        d.count > 0
            && d.entries.allSatisfy {
                if case .tensor = $0.value { return true }
                if case let .dict(inner) = $0.value { return holdsTensors(inner) }
                return false
            }
    }

    /// The model state dict (from `model`, `state_dict`, or the top level: the first that is a
    /// dict of tensors), nested dicts flattened with dots, in file order. With
    /// `stripModulePrefix`, a leading `module.` (from `nn.DataParallel`) is removed from each key.
    public func stateDict(stripModulePrefix: Bool = false) throws -> [NamedTensor] {
        guard let location = stateDictLocation, let top = root.dict else {
            throw CheckpointError.missing("state dict (no dict of tensors under 'model', 'state_dict' or at the top level)")
        }
        let dict = location.isEmpty ? top : top[location]!.dict!
        var out = LoadedCheckpoint.flatten(.dict(dict), prefix: "")
        if stripModulePrefix {
            out = out.map { ($0.key.hasPrefix("module.") ? String($0.key.dropFirst(7)) : $0.key, $0.tensor) }
            var seen = Set<String>()
            for (key, _) in out where !seen.insert(key).inserted {
                throw CheckpointError.badTensor(key: key, reason: "appears twice after stripping the 'module.' prefix")
            }
        }
        return out
    }

    /// The state dict converted to float32 values with shapes: the form the NN layer's
    /// `StateDict` takes (`HostTensor(shape:data:)` per key).
    public func floatStateDict(stripModulePrefix: Bool = false) throws -> [(key: String, shape: [Int], values: [Float])] {
        try stateDict(stripModulePrefix: stripModulePrefix).map { key, tensor in
            do { return (key, tensor.shape, try tensor.floatValues()) } catch CheckpointError.badTensor(_, let reason) {
                throw CheckpointError.badTensor(key: key, reason: reason)
            }
        }
    }

    /// `total_steps` of a CNNDetection training checkpoint.
    public var totalSteps: Int64? { root.dict?["total_steps"]?.intValue }

    /// True if the checkpoint holds an `optimizer` entry.
    public var hasOptimizer: Bool { root.dict?["optimizer"] != nil }
}
