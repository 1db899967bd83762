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

    @Option(parsing: .unconditional, help: "Decision threshold (default: the model's calibrated threshold, else 0.5).")
    var threshold: Double?

    @Option(help: "How ROOT is read: auto, one-set, set-per-child.")
    var layout: LayoutChoice = .auto

    @Option(name: [.short, .long], help: "Folder for results.csv, results.json, scores.csv, manifest.json (default: eval_results; with --shard, required: one folder per shard).")
    var output: String?

    @Option(help: "Use at most this many images per class (0_real / 1_fake) per set (quick checks).")
    var maxPerClass: Int?

    @Flag(help: "Apply the EXIF orientation tag (the reference does not).")
    var exifTranspose = false

    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        if let t = threshold, !(t > 0 && t < 1) { throw ValidationError("--threshold must be in (0, 1)") }
        _ = try preprocessings()
        if sharding.shard != nil && output == nil {
            throw ValidationError("--shard needs -o DIR, one folder per shard (for cnnspot merge)")
        }
    }

    func preprocessings() throws -> [TestTimePreprocessing] {
        if crop.isEmpty { return [TestTimePreprocessing()] }
        return try crop.map { try TestTimePreprocessing.parsingCrop($0) }
    }

    func run() throws {
        let detector = try modelOptions.loadDetector()!
        let mode = layout.mode
        var sets: [ImageSet] = []
        var manifest = RunManifest()
        var problems = 0
        for root in roots {
            let found = try ForenSynthsLayout.discover(root, mode: mode)
            found.warnings.forEach { printError("eval: \($0)") }
            problems += found.warnings.filter { !$0.hasPrefix("note:") }.count
            for var s in found.sets {
                if let cap = maxPerClass {
                    var kept: [LabeledImage] = []
                    var seen = [0, 0]
                    for im in s.images where seen[im.label] < cap { kept.append(im); seen[im.label] += 1 }
                    s.images = kept
                }
                sets.append(s)
                manifest.datasets.append(RunManifest.datasetInfo(name: s.name, root: s.root, files: s.images.map(\.path)))
            }
        }
        let threshold = self.threshold ?? detector.threshold
        manifest.model = try detector.manifestInfo()
        manifest.settings = ["threshold": "\(threshold)", "crop": crop.isEmpty ? "none" : crop.joined(separator: ","),
                             "batch_size": "\(modelOptions.batchSize)", "threads": "\(detector.network.compute.threads)",
                             "exif_transpose": "\(exifTranspose)", "layout": layout.rawValue]
        var decode = DecodeOptions()
        decode.applyEXIFOrientation = exifTranspose

        let pres = try preprocessings()
        let part = try sharding.part(of: sets, command: "eval")
        let scoredSets = part?.sets ?? sets
        var results: [Evaluation.SetResult] = []
        var allScores: [(preprocessing: String, images: [Evaluation.ScoredImage])] = []
        let total = scoredSets.reduce(0) { $0 + $1.images.count } * pres.count
        let progress = ProgressBar(total: total, label: "eval")
        for pre in pres {
            let scored = Evaluation.score(detector: detector, sets: scoredSets, preprocessing: pre, threshold: threshold,
                                          batchSize: modelOptions.batchSize, decodeOptions: decode,
                                          progress: { progress.advance(by: $0) })
            for (set, s) in zip(scoredSets, scored) where part == nil {
                results.append(Evaluation.summarize(s, set: set.name, preprocessing: pre, threshold: threshold))
            }
            allScores.append((pre.description, scored.flatMap { $0 }))
        }
        progress.finish()

        let report = EvalReport(results: results, scores: allScores, threshold: threshold)
        let dir = URL(fileURLWithPath: output ?? "eval_results")
        let failed = allScores.reduce(0) { $0 + $1.images.filter { $0.error != nil }.count }
        if failed > 0 { printError("eval: \(failed) image(s) could not be scored (see the error column of scores.csv)") }
        if let part {
            let shard = part.shard
            let m = ScoringShardManifest(kind: "eval", shard: shard, fingerprint: part.fingerprint, sets: sets,
                                         blocks: pres.map(\.description), threshold: threshold, crops: pres.map(\.crop),
                                         positions: part.positions, manifest: manifest)
            try ShardedScoring.write(scoresCSV: report.scoresCSV(), manifest: m, to: dir)
            print("wrote \(dir.appendingPathComponent("scores.csv").path) and shard.json (shard \(shard)); `cnnspot merge` the \(shard.count) folders for the metrics")
        } else {
            try report.write(to: dir, manifest: manifest)
            print(report.table(), terminator: "")
            print("wrote \(dir.appendingPathComponent("results.csv").path), results.json, scores.csv, manifest.json")
        }
        if sets.isEmpty { printError("eval: no set with images was found") }
        if failed > 0 || problems > 0 || sets.isEmpty { throw ExitCode(1) }
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
