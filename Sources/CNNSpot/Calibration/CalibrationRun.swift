import Foundation

/// The model metadata's `calibration` entry: what a threshold was fitted on and what it gave.
/// JSON keys as `cnnspot calibrate` has always written them.
public struct CalibrationRecord: Codable, Sendable, Equatable {
    public var target: String
    /// The folder given, and the names of its sets (pooled).
    public var set: String
    public var sets: [String]
    public var real: Int
    public var fake: Int
    public var failed: Int
    public var preprocessing: String
    /// At the new threshold.
    public var balancedAccuracy: Double
    public var accuracy: Double
    public var modelSHA256: String
    public var version: String
    /// With an uncertain band: its rate, and the share of the calibration images inside it.
    public var uncertainRate: Double?
    public var uncertainShare: Double?

    enum CodingKeys: String, CodingKey {
        case target, set, sets, real, fake, failed, preprocessing, accuracy, version
        case balancedAccuracy = "balanced_accuracy", modelSHA256 = "model_sha256"
        case uncertainRate = "uncertain_rate", uncertainShare = "uncertain_share"
    }
}

/// `cnnspot calibrate` as one call: score a labelled folder, fit the threshold (and the
/// uncertain band), write the model with them and read it back as detect and eval will.
public enum CalibrationRun {
    public struct Settings: Sendable {
        /// A ForenSynths set or test root; its sets are pooled.
        public var setRoot: String
        public var target: CalibrationTarget
        public var preprocessing = TestTimePreprocessing()
        public var decodeOptions = DecodeOptions.default
        public var batchSize = 16
        /// Also fit the uncertain band at this rate (`Calibration.uncertainBand`).
        public var uncertainRate: Double?
        /// The model written; nil: beside the input, `outputPath(model:)`.
        public var output: String?

        public init(setRoot: String, target: CalibrationTarget) {
            self.setRoot = setRoot
            self.target = target
        }
    }

    public struct Outcome {
        /// The usable scores the fit saw.
        public var data: LabeledScores
        /// Images that could not be scored.
        public var failed: Int
        public var result: CalibrationResult
        public var band: ClosedRange<Double>?
        /// Calibration images inside `band`.
        public var inside: Int
        /// The model file written.
        public var output: String
    }

    /// A calibration that cannot be written as asked; the command reports it as a usage error.
    public enum Failure: Error, CustomStringConvertible {
        case noUsableScores(String)
        case readBack(String)

        public var description: String {
            switch self {
            case .noUsableScores(let m), .readBack(let m): return "calibrate: \(m)"
            }
        }
    }

    /// `MODEL.calibrated.safetensors` beside the input model.
    public static func outputPath(model: String) -> String {
        URL(fileURLWithPath: model).deletingPathExtension().path + ".calibrated.safetensors"
    }

    /// Runs the calibration of `settings`. The model is loaded (`detector`) once the sets are
    /// found. `log` gets the warnings and each image that failed; `progress` makes the bar.
    public static func run(
        _ settings: Settings, detector load: () throws -> Detector, log: (String) -> Void = { _ in },
        progress: (Int) -> ProgressBar = { ProgressBar(total: $0, label: "calibrate", enabled: false) }
    )
        throws -> Outcome
    {
        let discovery = try ForenSynthsLayout.discover(settings.setRoot)
        discovery.warnings.forEach(log)
        let detector = try load()
        let bar = progress(discovery.sets.reduce(0) { $0 + $1.images.count })
        let scored = Evaluation.score(
            detector: detector, sets: discovery.sets, preprocessing: settings.preprocessing,
            threshold: detector.threshold, batchSize: settings.batchSize,
            decodeOptions: settings.decodeOptions, progress: { bar.advance(by: $0) }
        )
        .flatMap { $0 }
        bar.finish()
        let ok = scored.filter { $0.probability != nil }
        for s in scored where s.error != nil { log("\(s.path): \(s.error!)") }
        let failed = scored.count - ok.count
        let data: LabeledScores
        do {
            data = try LabeledScores(scores: ok.map { $0.probability! }, labels: ok.map(\.label))
        } catch {
            throw Failure.noUsableScores("no usable scores in \(settings.setRoot) (\(failed) failed): \(error)")
        }
        let result = try Calibration.fit(data, target: settings.target, previousThreshold: detector.threshold)
        let band = try settings.uncertainRate.map { try Calibration.uncertainBand(data, threshold: result.threshold, rate: $0) }
        let inside = band.map { b in data.scores.filter { $0 > b.lowerBound && $0 <= b.upperBound }.count } ?? 0
        let out = settings.output ?? outputPath(model: detector.modelPath)
        var record = CalibrationRecord(
            target: result.target, set: settings.setRoot, sets: discovery.sets.map(\.name),
            real: data.realCount, fake: data.fakeCount, failed: failed, preprocessing: settings.preprocessing.description,
            balancedAccuracy: result.after.balancedAccuracy ?? 0, accuracy: result.after.accuracy,
            modelSHA256: try RunManifest.fileSHA256(detector.modelPath), version: CNNSpotVersion.string)
        if band != nil, let rate = settings.uncertainRate {
            record.uncertainRate = rate
            record.uncertainShare = Double(inside) / Double(data.scores.count)
        }
        try Calibration.writeModel(from: detector.modelPath, to: out, threshold: result.threshold, band: band, record: record)
        // Read back as detect/eval will.
        let check = try Detector.load(path: out)
        guard check.threshold == result.threshold, check.rule.band == band else {
            throw Failure.readBack("\(out) reads back threshold \(check.threshold), wrote \(result.threshold)")
        }
        if let note = result.note { log(note) }
        return Outcome(data: data, failed: failed, result: result, band: band, inside: inside, output: out)
    }
}
