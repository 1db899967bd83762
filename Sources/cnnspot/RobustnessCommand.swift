import ArgumentParser
import CNNSpot
import Foundation

/// `cnnspot robustness ROOT -m MODEL -o OUTDIR`: AP and accuracy under test-time blur, JPEG
/// and downscaling, per ForenSynths set, as tables and curves (the paper's Fig. 5).
struct RobustnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "robustness",
        abstract: "Sweep test-time blur, JPEG quality and resize; write metrics per set and level, and curves.",
        discussion: """
        ROOT is a ForenSynths test folder (test/<set>/{0_real,1_fake} or one set). Each image is \
        decoded once per set and perturbed at every level: Gaussian blur (SciPy gaussian_filter \
        per channel, sigma 0 = unchanged), JPEG re-compression at a quality (Pillow), and a Pillow \
        bilinear resize of the whole image by a factor. Then the test-time crop and the model. \
        Pass 'none' to a sweep to skip it. Writes robustness.csv, robustness.json, scores.csv \
        (every image at every level), <sweep>_ap.png / <sweep>_acc.png and manifest.json to OUTDIR. \
        With --shard I/N it scores part I of the images at every level and writes only scores.csv \
        and shard.json; `cnnspot merge` of the N folders writes what one run writes.
        """)

    @Argument(help: "ForenSynths test root or set folder.")
    var root: String

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: [.short, .long], help: "Output folder (created).")
    var output: String

    @Option(help: "Blur sigmas, comma-separated, or 'none'.")
    var blur = "0,1,2,3,4"

    @Option(help: "JPEG qualities (1...100), comma-separated, or 'none'.")
    var jpeg = "100,90,80,70,60,50,40,30"

    @Option(help: "Resize factors (0 < f <= 4), comma-separated, or 'none'.")
    var resize = "1.0,0.75,0.5,0.25"

    @Option(help: "Test-time center crop side (the paper's 224) or 'none' for the full image.")
    var crop = "none"

    @Option(help: "At most N images per set (half reals, half fakes, first by path).")
    var maxPerSet: Int?

    @Option(help: "Accuracy threshold (default: the model's calibrated threshold, else 0.5).")
    var threshold: Double?

    @Option(help: "Memory for decoded images per set, in MiB (past it, files are decoded again per level).")
    var cacheMb = 1024

    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        if let t = threshold, !(t > 0 && t < 1) { throw ValidationError("--threshold must be in (0, 1)") }
        if let m = maxPerSet, m < 2 { throw ValidationError("--max-per-set must be at least 2") }
        if cacheMb < 0 || cacheMb > 1 << 20 { throw ValidationError("--cache-mb must be within 0...1048576") }
        _ = try settings(threshold: 0.5)
    }

    /// Parses `a,b,c` or `none`.
    static func list(_ text: String, _ option: String) throws -> [Double] {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.lowercased() == "none" || t.isEmpty { return [] }
        return try t.split(separator: ",").map {
            guard let v = Double($0.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--\(option): '\($0)' is not a number (give e.g. 1,2,3 or none)")
            }
            return v
        }
    }

    func settings(threshold: Double) throws -> RobustnessSettings {
        var s = RobustnessSettings()
        s.blurSigmas = try Self.list(blur, "blur")
        let q = try Self.list(jpeg, "jpeg")
        guard q.allSatisfy({ $0 == $0.rounded() && $0 >= 1 && $0 <= 100 }) else {
            throw ValidationError("--jpeg: qualities must be integers within 1...100")
        }
        s.jpegQualities = q.map { Int($0) }
        s.resizeFactors = try Self.list(resize, "resize")
        s.preprocessing = try TestTimePreprocessing.parsingCrop(crop)
        s.threshold = threshold
        s.maxPerSet = maxPerSet
        s.batchSize = modelOptions.batchSize
        s.cacheBytes = cacheMb << 20
        do { try s.validate() } catch { throw ValidationError("\(error)") }
        return s
    }

    func run() throws {
        let discovery = try ForenSynthsLayout.discover(root)
        discovery.warnings.forEach { printError("robustness: \($0)") }
        guard let detector = try modelOptions.loadDetector() else { return }
        let settings = try self.settings(threshold: threshold ?? detector.threshold)
        let sets = discovery.sets.map { RobustnessEvaluation.subset($0, max: settings.maxPerSet) }
        let part = try sharding.part(of: sets, command: "robustness")
        let scoredSets = part?.sets ?? sets
        let total = scoredSets.reduce(0) { $0 + $1.images.count } * settings.levels.count
        printError("robustness: \(sets.count) set(s), \(sets.map { "\($0.name) (\($0.realCount)+\($0.fakeCount))" }.joined(separator: ", ")); "
                   + "\(settings.levels.count) level(s), \(total) scorings; \(settings.preprocessing.description), threshold \(settings.threshold)")
        let bar = ProgressBar(total: total, label: "robustness")
        let (perSet, cacheWarnings) = RobustnessEvaluation.scoreSets(model: detector.network, sets: scoredSets, settings: settings,
                                                                      progress: { bar.advance(by: $0) })
        bar.finish()
        let result = RobustnessEvaluation.assemble(sets: scoredSets, settings: settings, perSet: perSet, warnings: cacheWarnings)
        let out = URL(fileURLWithPath: output)
        var manifest = RunManifest()
        manifest.model = try detector.manifestInfo()
        manifest.datasets = sets.map { RunManifest.datasetInfo(name: $0.name, root: $0.root, files: $0.images.map(\.path)) }
        manifest.settings = [
            "command": "robustness", "crop": settings.preprocessing.crop.map(String.init) ?? "none",
            "threshold": "\(settings.threshold)", "blur": settings.blurSigmas.map { "\($0)" }.joined(separator: ","),
            "jpeg": settings.jpegQualities.map(String.init).joined(separator: ","), "jpeg_method": "pil",
            "resize": settings.resizeFactors.map { "\($0)" }.joined(separator: ","), "resize_filter": "bilinear",
            "max_per_set": settings.maxPerSet.map(String.init) ?? "all", "batch_size": String(settings.batchSize),
            "cache_bytes": String(settings.cacheBytes),
        ]
        if let part {
            let shard = part.shard
            let m = ScoringShardManifest(kind: "robustness", shard: shard, fingerprint: part.fingerprint, sets: sets,
                                         blocks: settings.levels.map { ScoringShardManifest.blockName($0.0, $0.1) },
                                         threshold: settings.threshold, robustness: settings, positions: part.positions,
                                         warnings: cacheWarnings, manifest: manifest)
            try ShardedScoring.write(scoresCSV: result.scoresCSV(), manifest: m, to: out)
            cacheWarnings.forEach { printError("robustness: \($0)") }
            print("wrote \(out.path)/{scores.csv,shard.json} (shard \(shard)); `cnnspot merge` the \(shard.count) folders for the metrics")
            return
        }
        try result.write(to: out, manifest: manifest)
        result.warnings.forEach { printError("robustness: \($0)") }
        print(result.summaryTable(), terminator: "")
        print("wrote \(out.path)/{robustness.csv,robustness.json,scores.csv,manifest.json} and \(result.perturbations.count * 2) plot(s)")
    }
}
