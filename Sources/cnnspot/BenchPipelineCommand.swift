import ArgumentParser
import CNNSpot
import Foundation

/// `cnnspot bench-pipeline`: times decode + the Blur+JPEG(0.5) training transform on one
/// thread (`PipelineBenchmark`).
struct BenchPipelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-pipeline",
        abstract: "Benchmark image decode + training augmentation on one core (images/s).")

    @Argument(help: "PNG files or directories searched recursively (default: MiniSynths v1 train of the ../shared beside the working directory or the clone).")
    var paths: [String] = []

    @Option(help: "Number of images (the first N in sorted path order).")
    var count = 200

    @Option(help: "Timed runs; the median is reported.")
    var runs = 5

    @Option(help: "Seed of the augmentation's random draws.")
    var seed: UInt64 = 0

    @Flag(help: "Also time each step alone (decode, blur at sigma 1.5, JPEG q65, crop+flip+tensor).")
    var breakdown = false

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
        guard runs > 0 else { throw ValidationError("--runs must be positive") }
    }

    /// MiniSynths v1 train of `../shared`, found from the working directory or beside the clone
    /// the binary was built in (`<clone>/models/default.safetensors` marks the clone).
    static func defaultRoot() -> String? {
        let tail = "shared/data/minisynths/train"
        var candidates = ["../" + tail]
        if let exe = DefaultModel.executablePath() {
            for m in DefaultModel.candidates(executable: exe) where m.hasSuffix(DefaultModel.relativePath) {
                let clone = URL(fileURLWithPath: m).deletingLastPathComponent().deletingLastPathComponent()
                if FileManager.default.fileExists(atPath: m) {
                    candidates.append(clone.deletingLastPathComponent().appendingPathComponent(tail).path)
                }
            }
        }
        return candidates.first {
            var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && d.boolValue
        }
    }

    func run() throws {
        let roots: [String]
        if paths.isEmpty {
            guard let found = Self.defaultRoot() else {
                throw ValidationError(
                    "no images given, and the default set (../shared/data/minisynths/train, beside the clone or the working directory) was not found: give PNG files or folders"
                )
            }
            roots = [found]
        } else {
            roots = paths
        }
        do {
            var settings = PipelineBenchmark.Settings(files: Array(try PipelineBenchmark.collectPNGs(roots).prefix(count)))
            guard !settings.files.isEmpty else { throw ValidationError("no PNG files under \(roots.joined(separator: ", "))") }
            settings.runs = runs
            settings.seed = seed
            settings.breakdown = breakdown
            try PipelineBenchmark.run(settings) { print($0) }
        } catch let e as PipelineBenchmark.Failure {
            throw ValidationError(e.description)
        }
    }
}
