import ArgumentParser
import CNNSpot
import Foundation

/// `cnnspot calibrate SETROOT -m MODEL [-o OUT.safetensors] [--target best-balanced|fpr:0.05]`:
/// fits the decision threshold on a labelled set and stores it in the model's metadata.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit the decision threshold on a labelled set and write the model with it (safetensors).",
        discussion: """
        SETROOT is a ForenSynths folder (one set, or a test root whose sets are pooled). Every \
        image is scored; the threshold is the one with the best balanced accuracy \
        (--target best-balanced) or the lowest whose false-positive rate on the reals is at most \
        RATE (--target fpr:RATE). The model is written as safetensors with the threshold in its \
        metadata ('threshold'), which detect and eval then use. A .pth model is converted (its \
        model state dict). Prints the accuracies at the old and the new threshold.
        """)

    @Argument(help: "Labelled folder: a ForenSynths set or test root (0_real / 1_fake).")
    var setRoot: String

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var preprocess: PreprocessOptions

    @Option(name: [.short, .long], help: "Output .safetensors (default: MODEL's name + .calibrated.safetensors beside it).")
    var output: String?

    @Option(help: "best-balanced, or fpr:RATE (e.g. fpr:0.05).")
    var target = "best-balanced"

    @Option(help: ArgumentHelp("Also store an uncertain band around the threshold: from the lowest threshold at or below which at most RATE of the fakes fall, to the lowest above which at most RATE of the reals fall (detect's verdict is 'uncertain' inside it).", valueName: "rate"))
    var uncertain: Double?

    func validate() throws {
        do { _ = try CalibrationTarget(parsing: target) } catch { throw ValidationError("\(error)") }
        if let u = uncertain, !(u >= 0 && u < 1) { throw ValidationError("--uncertain must be in [0, 1)") }
    }

    func outputPath(model: String) -> String {
        if let output { return output }
        let url = URL(fileURLWithPath: model)
        return url.deletingPathExtension().path + ".calibrated.safetensors"
    }

    func run() throws {
        let target = try CalibrationTarget(parsing: self.target)
        let discovery = try ForenSynthsLayout.discover(setRoot)
        discovery.warnings.forEach { printError("calibrate: \($0)") }
        guard let detector = try modelOptions.loadDetector() else { return }
        let images = discovery.sets.reduce(0) { $0 + $1.images.count }
        let bar = ProgressBar(total: images, label: "calibrate")
        let scored = Evaluation.score(detector: detector, sets: discovery.sets, preprocessing: preprocess.preprocessing,
                                      threshold: detector.threshold, batchSize: modelOptions.batchSize,
                                      decodeOptions: preprocess.decodeOptions, progress: { bar.advance(by: $0) })
            .flatMap { $0 }
        bar.finish()
        let ok = scored.filter { $0.probability != nil }
        for s in scored where s.error != nil { printError("calibrate: \(s.path): \(s.error!)") }
        let data: LabeledScores
        do {
            data = try LabeledScores(scores: ok.map { $0.probability! }, labels: ok.map(\.label))
        } catch {
            throw ValidationError("calibrate: no usable scores in \(setRoot) (\(scored.count - ok.count) failed): \(error)")
        }
        let result = try Calibration.fit(data, target: target, previousThreshold: detector.threshold)
        let band = try uncertain.map { try Calibration.uncertainBand(data, threshold: result.threshold, rate: $0) }
        let inside = band.map { b in data.scores.filter { $0 > b.lowerBound && $0 <= b.upperBound }.count } ?? 0
        let out = outputPath(model: detector.modelPath)
        var info: [String: Any] = [
            "target": result.target, "set": setRoot, "sets": discovery.sets.map(\.name),
            "real": data.realCount, "fake": data.fakeCount, "failed": scored.count - ok.count,
            "preprocessing": preprocess.preprocessing.description,
            "balanced_accuracy": result.after.balancedAccuracy ?? 0, "accuracy": result.after.accuracy,
            "model_sha256": try RunManifest.fileSHA256(detector.modelPath), "version": CNNSpotVersion.string,
        ]
        if let band, let rate = uncertain {
            info["uncertain_rate"] = rate
            info["uncertain_share"] = Double(inside) / Double(data.scores.count)
        }
        try Calibration.writeModel(from: detector.modelPath, to: out, threshold: result.threshold, band: band, calibration: info)
        // Read back as detect/eval will.
        let check = try Detector.load(path: out)
        guard check.threshold == result.threshold, check.rule.band == band else {
            throw ValidationError("calibrate: \(out) reads back threshold \(check.threshold), wrote \(result.threshold)")
        }
        if let note = result.note { printError("calibrate: \(note)") }
        func line(_ name: String, _ c: ThresholdCounts) -> String {
            func pct(_ v: Double?) -> String { v.map { String(format: "%6.2f%%", $0 * 100) } ?? "     -" }
            return "\(name) threshold \(c.threshold): accuracy \(pct(c.accuracy))  real \(pct(c.realAccuracy))  "
                + "fake \(pct(c.fakeAccuracy))  balanced \(pct(c.balancedAccuracy))  FPR \(pct(Double(c.falsePositives) / Double(data.realCount)))"
        }
        print("calibration set: \(data.realCount) real + \(data.fakeCount) fake scored, \(scored.count - ok.count) failed; "
              + "\(preprocess.preprocessing.description); target \(result.target)")
        print(line("before", result.before))
        print(line("after ", result.after))
        if let band {
            print("uncertain band (\(band.lowerBound), \(band.upperBound)]: \(inside) of \(data.scores.count) calibration images inside")
        }
        print("wrote \(out) (threshold \(result.threshold)\(band.map { ", uncertain band \($0.lowerBound)...\($0.upperBound)" } ?? ""))")
    }
}
