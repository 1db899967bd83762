import Foundation

/// What `cnnspot info` prints: format, metadata, training-state presence and every tensor's
/// key, dtype and shape, as a text table or JSON.
public struct CheckpointSummary: Sendable {
    public let path: String
    public let checkpoint: LoadedCheckpoint

    public init(path: String, checkpoint: LoadedCheckpoint) {
        self.path = path
        self.checkpoint = checkpoint
    }

    public func table() -> String {
        let c = checkpoint
        var lines = ["file: \(path)", "format: \(c.format.rawValue)"]
        if let name = c.archiveName { lines.append("archive: \(name) (version \(c.formatVersion ?? "?"))") }
        if let top = c.root.dict {
            // A bare state dict has hundreds of top-level keys: they are listed below as tensors.
            let keys = top.keys.map(\.description)
            lines.append(
                "top-level keys: "
                    + (keys.count <= 8
                        ? keys.joined(separator: ", ")
                        : keys.prefix(4).joined(separator: ", ") + ", ... (\(keys.count) in all)"))
        }
        lines.append("state dict: " + (c.stateDictLocation.map { $0.isEmpty ? "top level" : "'\($0)'" } ?? "not found"))
        lines.append("optimizer: " + optimizerDescription())
        lines.append("total_steps: " + (c.totalSteps.map(String.init) ?? "absent"))
        for key in c.metadata.keys.sorted() { lines.append("metadata \(key): \(c.metadata[key]!)") }
        let tensors = c.allTensors
        let width = max(3, tensors.map(\.key.count).max() ?? 0)
        lines.append("")
        lines.append("key".padding(toLength: width, withPad: " ", startingAt: 0) + "  dtype     shape")
        var total = 0
        for (key, t) in tensors {
            total += t.count
            lines.append(
                key.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + t.dtype.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + "  " + shapeString(t.shape))
        }
        lines.append("\(tensors.count) tensors, \(total) elements")
        return lines.joined(separator: "\n")
    }

    public func json() throws -> String {
        let c = checkpoint
        var object: [String: Any] = [
            "file": path,
            "format": c.format.rawValue,
            "state_dict": c.stateDictLocation ?? NSNull(),
            "has_optimizer": c.hasOptimizer,
            "total_steps": c.totalSteps.map { NSNumber(value: $0) } ?? NSNull(),
            "metadata": c.metadata,
            "tensors": c.allTensors.map { ["key": $0.key, "dtype": $0.tensor.dtype.rawValue, "shape": $0.tensor.shape] as [String: Any] }
        ]
        if let name = c.archiveName { object["archive"] = name }
        if let v = c.formatVersion { object["format_version"] = v }
        if let adam = try? c.adamState() {
            object["optimizer"] = [
                "param_states": adam.state.count,
                "groups": adam.groups.map {
                    [
                        "lr": $0.lr, "betas": [$0.beta1, $0.beta2], "eps": $0.eps,
                        "weight_decay": $0.weightDecay, "params": $0.params.count
                    ]
                }
            ]
        }
        let data = try JSONText.data(object, pretty: true)
        return String(decoding: data, as: UTF8.self)
    }

    private func optimizerDescription() -> String {
        guard checkpoint.hasOptimizer else { return "absent" }
        do {
            guard let adam = try checkpoint.adamState() else { return "absent" }
            let groups = adam.groups.map { "lr \($0.lr), betas (\($0.beta1), \($0.beta2)), \($0.params.count) params" }
            return "Adam state for \(adam.state.count) parameters; groups: " + groups.joined(separator: "; ")
        } catch {
            return "present, not an Adam state dict (\(error))"
        }
    }

    private func shapeString(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
