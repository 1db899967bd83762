import Foundation

/// A detector ready to score images: the network (compiled for inference), what it was
/// loaded from, and its decision threshold.
public final class Detector {
    public let network: InferenceNetwork
    public let spec: NetworkSpec
    public let modelPath: String
    /// The checkpoint's calibrated threshold (safetensors metadata `threshold`), or 0.5.
    public let threshold: Double
    /// The decision rule of the verdict column: `threshold` and the optional uncertain band
    /// (metadata `uncertain_low` / `uncertain_high`; `Verdict.Rule`).
    public let rule: Verdict.Rule
    public let metadata: [String: String]
    public let format: String
    /// `ToTensor` + `Normalize` the network expects (its description's mean/std).
    public var normalization: TensorNormalization { Self.normalization(spec) }

    /// The description's input normalisation as a `TensorNormalization`.
    public static func normalization(_ spec: NetworkSpec) -> TensorNormalization {
        let d = spec.description
        if d.inputMean == NetworkDescription.imageNetMean && d.inputStd == NetworkDescription.imageNetStd { return .imageNet }
        return TensorNormalization(mean: d.inputMean.map { Float($0) }, std: d.inputStd.map { Float($0) })
    }

    public init(network: InferenceNetwork, modelPath: String, threshold: Double, metadata: [String: String], format: String) {
        self.network = network
        self.spec = network.spec
        self.modelPath = modelPath
        self.threshold = threshold
        self.metadata = metadata
        self.format = format
        self.rule =
            (try? Verdict.Rule(metadata: metadata)).map { Verdict.Rule(threshold: threshold, band: $0.band) }
            ?? Verdict.Rule(threshold: threshold)
    }

    /// Loads a `.pth` (zip or legacy PyTorch format, CNNDetection's `{'model': ...}` or a bare
    /// state dict, `module.` prefixes stripped) or a `.safetensors` file. The architecture is
    /// the metadata's `architecture`, else recognised from the keys; the head must have exactly
    /// one output (the detector's logit). With `strict`, any
    /// missing, unexpected or mis-shaped key is an error listing them by name; otherwise extra
    /// keys are ignored (missing ones are still an error: there is nothing to run without them).
    /// `precision`: the arithmetic of the network (`InferencePrecision`; fp32 by default).
    /// `compute`: the threads the network runs with (all cores by default).
    public static func load(
        path: String, strict: Bool = true, precision: InferencePrecision = .fp32,
        compute: ComputeOptions = ComputeOptions()
    ) throws -> Detector {
        let checkpoint: LoadedCheckpoint
        do { checkpoint = try Checkpoint.load(path: path) } catch {
            let text = "\(error)"
            throw ModelLoadError(file: path, problems: [text.hasPrefix(path) ? String(text.dropFirst(path.count + 2)) : text])
        }
        let (spec, stateDict) = try stateDict(from: checkpoint, file: path, strict: strict)
        let network: InferenceNetwork
        do { network = try InferenceNetwork(spec: spec, stateDict: stateDict, precision: precision, compute: compute) } catch let error as InferenceError {
            throw ModelLoadError(file: path, problems: ["\(error)"])
        }
        // The threshold and the band, parsed and checked once (Verdict.Rule names a bad key).
        let rule: Verdict.Rule
        do { rule = try Verdict.Rule(metadata: checkpoint.metadata) } catch {
            throw ModelLoadError(file: path, problems: ["\(error)"])
        }
        let threshold = rule.threshold
        return Detector(
            network: network, modelPath: path, threshold: threshold,
            metadata: checkpoint.metadata, format: checkpoint.format.rawValue)
    }

    /// The model's float state dict and the network it describes (one-logit head required).
    public static func stateDict(from checkpoint: LoadedCheckpoint, file: String, strict: Bool) throws -> (NetworkSpec, StateDict) {
        var entries = try checkpoint.floatStateDict(stripModulePrefix: true)
        // A trainer's `latest.safetensors` also holds Adam's moments (`optimizer.*`): the model
        // is the rest, as in its epoch and best files.
        if checkpoint.metadata[TrainingCheckpoint.stateKey] != nil {
            entries.removeAll { $0.key.hasPrefix("optimizer.") }
        }
        var shapes: [String: [Int]] = [:]
        var dict: StateDict = [:]
        for e in entries {
            shapes[e.key] = e.shape
            dict[e.key] = HostTensor(shape: e.shape, data: e.values)
        }
        let named = checkpoint.metadata[CNNSpotMetadata.architecture]
        if let named, NetworkSpec.Architecture(rawValue: named) == nil {
            throw ModelLoadError(
                file: file,
                problems: [
                    "metadata architecture '\(named)' is not one of "
                        + NetworkSpec.Architecture.allCases.map(\.rawValue).joined(separator: ", ")
                ])
        }
        let spec = try NetworkSpec(inferringFrom: shapes, named: named, file: file)
        let headKey = spec.headKey + ".weight"
        if spec.numClasses != 1 {
            // A detector reads one logit per image; a wider head (ImageNet's 1000 classes) would
            // have its outputs taken as the logits of other images.
            throw ModelLoadError(
                file: file,
                problems: [
                    "key `\(headKey)` has shape \(shapes[headKey] ?? []): a detector needs exactly one "
                        + "logit, shape [1, \(spec.featureChannels)] (ImageNet weights are for `train --init`)"
                ])
        }
        var problems = spec.mismatches(shapes)
        if !strict { problems.removeAll { $0.hasPrefix("unexpected key") } }
        if !problems.isEmpty { throw ModelLoadError(file: file, problems: problems) }
        return (spec, dict)
    }

    /// The decision threshold of a run: `given` (`--threshold`), else the model's calibrated
    /// one, else 0.5. The one rule for every command that takes a threshold.
    public func threshold(given: Double?) -> Double { given ?? threshold }

    /// A runner scoring files with this detector. An explicit `threshold` replaces the model's
    /// rule by a plain two-way decision (no uncertain band).
    public func runner(
        preprocessing: TestTimePreprocessing, threshold: Double? = nil,
        decodeOptions: DecodeOptions = .default
    ) -> DetectionRunner {
        DetectionRunner(model: network, rule: threshold.map { rule.overridingThreshold($0) } ?? rule) { path in
            let decoded = try ImageDecoder.decode(path: path, options: decodeOptions)
            return .init(
                image: try preprocessing.apply(decoded.image), format: decoded.format.rawValue,
                fileWidth: decoded.image.width, fileHeight: decoded.image.height)
        }
    }

    /// The manifest entry for this model (hashes the file).
    public func manifestInfo() throws -> RunManifest.ModelInfo {
        RunManifest.ModelInfo(
            path: modelPath, sha256: try RunManifest.fileSHA256(modelPath),
            architecture: spec.architecture.rawValue)
    }
}
