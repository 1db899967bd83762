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

    @Option(
        help: ArgumentHelp(
            "Also store an uncertain band around the threshold: from the lowest threshold at or below which at most RATE of the fakes fall, to the lowest above which at most RATE of the reals fall (detect's verdict is 'uncertain' inside it).",
            valueName: "rate"))
    var uncertain: Double?

    func validate() throws {
        do { _ = try CalibrationTarget(parsing: target) } catch { throw ValidationError("\(error)") }
        if let u = uncertain, !(u >= 0 && u < 1) { throw ValidationError("--uncertain must be in [0, 1)") }
    }

    func run() throws {
        var settings = CalibrationRun.Settings(setRoot: setRoot, target: try CalibrationTarget(parsing: target))
        settings.preprocessing = preprocess.preprocessing
        settings.decodeOptions = preprocess.decodeOptions
        settings.batchSize = modelOptions.batchSize
        settings.uncertainRate = uncertain
        settings.output = output
        let run: CalibrationRun.Outcome
        do {
            run = try CalibrationRun.run(
                settings, detector: { try modelOptions.loadDetector()! },
                log: { printError("calibrate: \($0)") },
                progress: { ProgressBar(total: $0, label: "calibrate") })
        } catch let e as CalibrationRun.Failure {
            throw ValidationError(e.description)
        }
        let data = run.data, result = run.result
        func line(_ name: String, _ c: ThresholdCounts) -> String {
            func pct(_ v: Double?) -> String { v.map { String(format: "%6.2f%%", $0 * 100) } ?? "     -" }
            return "\(name) threshold \(c.threshold): accuracy \(pct(c.accuracy))  real \(pct(c.realAccuracy))  "
                + "fake \(pct(c.fakeAccuracy))  balanced \(pct(c.balancedAccuracy))  FPR \(pct(Double(c.falsePositives) / Double(data.realCount)))"
        }
        print(
            "calibration set: \(data.realCount) real + \(data.fakeCount) fake scored, \(run.failed) failed; "
                + "\(settings.preprocessing.description); target \(result.target)")
        print(line("before", result.before))
        print(line("after ", result.after))
        if let band = run.band {
            print("uncertain band (\(band.lowerBound), \(band.upperBound)]: \(run.inside) of \(data.scores.count) calibration images inside")
        }
        print("wrote \(run.output) (threshold \(result.threshold)\(run.band.map { ", uncertain band \($0.lowerBound)...\($0.upperBound)" } ?? ""))")
    }
}
