import Foundation

/// `.pth` -> `.safetensors` conversion: the model state dict (found under `model`,
/// `state_dict` or at the top level) with `CNNSpotMetadata`. Optimizer state is not carried over.
/// A safetensors input (e.g. a training checkpoint) keeps its metadata (architecture,
/// normalisation, threshold and band, training options) except the optimizer's
/// `training_state`; `extraMetadata` is written last and wins.
public enum CheckpointConversion {
    public struct Summary: Sendable {
        public var sourceFormat: CheckpointFormat
        public var stateDictLocation: String
        public var tensorCount: Int
        public var parameterCount: Int
        public var outputBytes: Int
        public var metadata: [String: String]
    }

    public static func convert(
        input: String, output: String, float16: Bool = false, stripModulePrefix: Bool = false,
        extraMetadata: [String: String] = [:],
        limits: CheckpointLimits = .default
    ) throws -> Summary {
        let ckpt = try Checkpoint.load(path: input, limits: limits)
        let tensors = try ckpt.stateDict(stripModulePrefix: stripModulePrefix)
        var manifest: [String: Any] = [
            "source": URL(fileURLWithPath: input).lastPathComponent,
            "source_format": ckpt.format.rawValue,
            "state_dict_location": ckpt.stateDictLocation ?? "",
            "float_dtype": float16 ? "F16" : "F32",
            "strip_module_prefix": stripModulePrefix
        ]
        if let steps = ckpt.totalSteps { manifest["total_steps"] = steps }
        var metadata = CNNSpotMetadata.make(for: tensors, manifest: manifest)
        if ckpt.format == .safetensors {
            // The source's own keys (threshold, band, architecture, ...) win over fresh defaults;
            // what describes this conversion stays fresh.
            let fresh: Set<String> = [CNNSpotMetadata.manifest, "training_state"]
            for (k, v) in ckpt.metadata where !fresh.contains(k) { metadata[k] = v }
        }
        for (k, v) in extraMetadata { metadata[k] = v }
        let data = try SafeTensorsWriter.encode(tensors, metadata: metadata, floats: float16 ? .float16 : .float32)
        do { try data.write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
            throw CheckpointError.io(path: output, reason: error.localizedDescription)
        }
        return Summary(
            sourceFormat: ckpt.format, stateDictLocation: ckpt.stateDictLocation ?? "",
            tensorCount: tensors.count, parameterCount: tensors.reduce(0) { $0 + $1.tensor.count },
            outputBytes: data.count, metadata: metadata)
    }
}
