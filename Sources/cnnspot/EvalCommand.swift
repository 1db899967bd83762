import ArgumentParser
import CNNSpot
import Foundation

/// `cnnspot eval ROOT -m MODEL`: the reference's `eval.py` over ForenSynths sets.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model on ForenSynths-layout sets: AP, accuracy (real/fake), AUC, EER, TPR at FPR.",
        discussion: """
            Exit status: 0 when every image was scored; 1 when any image failed, a set was empty or \
            skipped, or a folder could not be read (the results are still written).
            ROOT is a folder with 0_real/1_fake, a multi-class set (class folders holding \
            0_real/1_fake), or a test root whose generator folders are sets (multi-class ones are \
            detected). Writes results.csv (testset, accuracy, avg precision first, as the reference), \
            results.json, scores.csv (per image) and manifest.json to --output. With --shard I/N it \
            scores part I of the images and writes only scores.csv and shard.json; `cnnspot merge` \
            of the N folders writes what one run writes.
            """)

    @Argument(help: "ForenSynths test root, one set, or several.")
    var roots: [String]

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Center crop side, or 'none' for the full image; repeat for several (e.g. --crop 224 --crop none). Default: none.")
    var crop: [String] = []

    @OptionGroup var decision: ThresholdOption

    @Option(help: "How ROOT is read: auto, one-set, set-per-child.")
    var layout: LayoutChoice = .auto

    @Option(
        name: [.short, .long],
        help: "Folder for results.csv, results.json, scores.csv, manifest.json (default: eval_results; with --shard, required: one folder per shard).")
    var output: String?

    @Option(help: "Use at most this many images per class (0_real / 1_fake) per set (quick checks).")
    var maxPerClass: Int?

    @Flag(help: "Apply the EXIF orientation tag (the reference does not).")
    var exifTranspose = false

    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        for c in crop { _ = try TestTimePreprocessing.parsingCrop(c) }
        if sharding.shard != nil && output == nil {
            throw ValidationError("--shard needs -o DIR, one folder per shard (for cnnspot merge)")
        }
    }

    func run() throws {
        let detector = try modelOptions.loadDetector()!
        var settings = EvaluationRun.Settings(roots: roots, output: URL(fileURLWithPath: output ?? "eval_results"))
        settings.threshold = decision.threshold
        settings.layout = layout.mode
        settings.layoutName = layout.rawValue
        settings.crops = crop
        settings.batchSize = modelOptions.batchSize
        settings.exifTranspose = exifTranspose
        settings.maxPerClass = maxPerClass
        settings.shard = try sharding.resolved()
        let run = try EvaluationRun.run(
            settings, detector: detector, log: { printError("eval: \($0)") },
            progress: { ProgressBar(total: $0, label: "eval") })
        let dir = settings.output
        if let shard = settings.shard {
            print(
                "wrote \(dir.appendingPathComponent("scores.csv").path) and shard.json (shard \(shard)); `cnnspot merge` the \(shard.count) folders for the metrics"
            )
        } else {
            print(run.report.table(), terminator: "")
            print("wrote \(dir.appendingPathComponent("results.csv").path), results.json, scores.csv, manifest.json")
        }
        if run.sets.isEmpty { printError("eval: no set with images was found") }
        if run.failed > 0 || run.problems > 0 || run.sets.isEmpty { throw ExitCode(1) }
    }
}

/// `eval --layout`: how the root folder is read (`ForenSynthsLayout.Mode`).
enum LayoutChoice: String, ExpressibleByArgument {
    case auto
    case oneSet = "one-set"
    case setPerChild = "set-per-child"

    var mode: ForenSynthsLayout.Mode {
        switch self {
        case .auto: return .auto
        case .oneSet: return .oneSet
        case .setPerChild: return .setPerChild
        }
    }
}
