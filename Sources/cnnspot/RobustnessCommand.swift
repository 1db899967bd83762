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

    @OptionGroup var decision: ThresholdOption

    @Option(help: "Memory for decoded images per set, in MiB (past it, files are decoded again per level).")
    var cacheMb = 1024

    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        if let m = maxPerSet, m < 2 { throw ValidationError("--max-per-set must be at least 2") }
        if cacheMb < 0 || cacheMb > 1 << 20 { throw ValidationError("--cache-mb must be within 0...1048576") }
        _ = try sweep()
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

    /// The sweep of the options (its threshold is the run's, `RobustnessRun`).
    func sweep() throws -> RobustnessSettings {
        var s = RobustnessSettings()
        s.blurSigmas = try Self.list(blur, "blur")
        let q = try Self.list(jpeg, "jpeg")
        guard q.allSatisfy({ $0 == $0.rounded() && $0 >= 1 && $0 <= 100 }) else {
            throw ValidationError("--jpeg: qualities must be integers within 1...100")
        }
        s.jpegQualities = q.map { Int($0) }
        s.resizeFactors = try Self.list(resize, "resize")
        s.preprocessing = try TestTimePreprocessing.parsingCrop(crop)
        s.maxPerSet = maxPerSet
        s.batchSize = modelOptions.batchSize
        s.cacheBytes = cacheMb << 20
        do { try s.validate() } catch { throw ValidationError("\(error)") }
        return s
    }

    func run() throws {
        var settings = RobustnessRun.Settings(root: root, output: URL(fileURLWithPath: output))
        settings.sweep = try sweep()
        settings.threshold = decision.threshold
        settings.shard = try sharding.resolved()
        let run = try RobustnessRun.run(
            settings, detector: { try modelOptions.loadDetector()! },
            log: { printError("robustness: \($0)") },
            progress: { ProgressBar(total: $0, label: "robustness") })
        let out = settings.output
        if let shard = settings.shard {
            print("wrote \(out.path)/{scores.csv,shard.json} (shard \(shard)); `cnnspot merge` the \(shard.count) folders for the metrics")
            return
        }
        print(run.result.summaryTable(), terminator: "")
        print("wrote \(out.path)/{robustness.csv,robustness.json,scores.csv,manifest.json} and \(run.result.perturbations.count * 2) plot(s)")
    }
}
