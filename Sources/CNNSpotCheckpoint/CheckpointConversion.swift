import Foundation

/// `.pth` -> `.safetensors` conversion: the model state dict (found under `model`,
/// `state_dict` or at the top level) with `CNNSpotMetadata`. Optimizer state is not carried over.
public enum CheckpointConversion {
    public struct Summary: Sendable {
        public var sourceFormat: CheckpointFormat
        public var stateDictLocation: String
        public var tensorCount: Int
        public var parameterCount: Int
        public var outputBytes: Int
        public var metadata: [String: String]
    }

    public static func convert(input: String, output: String, float16: Bool = false, stripModulePrefix: Bool = false,
                               limits: CheckpointLimits = .default) throws -> Summary {
        let ckpt = try Checkpoint.load(path: input, limits: limits)
        let tensors = try ckpt.stateDict(stripModulePrefix: stripModulePrefix)
        var manifest: [String: Any] = [
            "source": URL(fileURLWithPath: input).lastPathComponent,
            "source_format": ckpt.format.rawValue,
            "state_dict_location": ckpt.stateDictLocation ?? "",
            "float_dtype": float16 ? "F16" : "F32",
            "strip_module_prefix": stripModulePrefix,
        ]
        if let steps = ckpt.totalSteps { manifest["total_steps"] = steps }
        let metadata = CNNSpotMetadata.make(for: tensors, manifest: manifest)
        let data = try SafeTensorsWriter.encode(tensors, metadata: metadata, floats: float16 ? .float16 : .float32)
        do { try data.write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
            throw CheckpointError.io(path: output, reason: error.localizedDescription)
        }
        return Summary(sourceFormat: ckpt.format, stateDictLocation: ckpt.stateDictLocation ?? "",
                       tensorCount: tensors.count, parameterCount: tensors.reduce(0) { $0 + $1.tensor.count },
                       outputBytes: data.count, metadata: metadata)
    }
}
