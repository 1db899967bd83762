import Foundation

/// Writes a model as our native format: safetensors with the reference's keys in the
/// description's order and CNNSpot metadata (architecture, classes, the architecture's input
/// normalisation, threshold, optional manifest). `num_batches_tracked` is stored as int64 as
/// PyTorch has it.
public enum ModelExport {
    public static func safetensors(
        _ stateDict: StateDict, spec: NetworkSpec, threshold: Double = 0.5,
        manifest: [String: Any] = [:], extraMetadata: [String: String] = [:],
        float16: Bool = false
    ) throws -> Data {
        var tensors: [NamedTensor] = []
        for (key, shape) in spec.stateDictShapes {
            guard let t = stateDict[key] else { throw ModelLoadError(file: "export", problems: ["missing key `\(key)`"]) }
            if key.hasSuffix(".num_batches_tracked") {
                tensors.append((key, try CheckpointTensor(shape: shape, int64s: t.data.map { Int64($0) })))
            } else {
                tensors.append((key, try CheckpointTensor(shape: shape, floats: t.data)))
            }
        }
        var metadata = CNNSpotMetadata.make(for: tensors, manifest: manifest)
        metadata[CNNSpotMetadata.architecture] = spec.architecture.rawValue
        metadata[CNNSpotMetadata.numClasses] = String(spec.numClasses)
        func json(_ v: [Double]) -> String { "[" + v.map { "\($0)" }.joined(separator: ",") + "]" }
        metadata[CNNSpotMetadata.inputMean] = json(spec.description.inputMean)
        metadata[CNNSpotMetadata.inputStd] = json(spec.description.inputStd)
        metadata[CNNSpotMetadata.threshold] = "\(threshold)"
        for (k, v) in extraMetadata { metadata[k] = v }
        return try SafeTensorsWriter.encode(tensors, metadata: metadata, floats: float16 ? .float16 : .float32)
    }

    /// Writes atomically (a temporary file in the same folder, then rename).
    public static func writeSafetensors(
        _ stateDict: StateDict, spec: NetworkSpec, to path: String, threshold: Double = 0.5,
        manifest: [String: Any] = [:], extraMetadata: [String: String] = [:],
        float16: Bool = false
    ) throws {
        let data = try safetensors(
            stateDict, spec: spec, threshold: threshold, manifest: manifest,
            extraMetadata: extraMetadata, float16: float16)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
