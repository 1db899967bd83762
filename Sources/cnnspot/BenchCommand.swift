import ArgumentParser
import CNNSpot
import Foundation

/// `cnnspot bench`: inference speed of the detector network (ResNet-50, `fc` to one logit) with
/// synthetic weights (`InferenceBenchmark`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time ResNet-50 inference (synthetic weights): latency, img/s, GFLOP/s, peak RSS.")

    @Option(help: "Cases as NxS (batch N of SxS images), comma-separated.")
    var cases: String = "1x224,1x256,1x1024,16x224"

    @Option(help: "Threads (default: all cores).")
    var threads: Int?

    @Option(help: "Timed runs per case (median and min are reported).")
    var runs: Int = 7

    @Option(help: "Untimed warm-up runs per case (the first builds the case's primitives).")
    var warmup: Int = 2

    @Option(help: "Architecture: resnet18, resnet34, resnet50, resnet101, resnet152, npr, efficientnet_lite0/1/2.")
    var arch: ResNetSpec.Architecture = .resnet50

    @Option(help: "Convolution algorithm: fastest (Winograd where oneDNN has it) or direct.")
    var algorithm: InferenceConvolutionAlgorithm = .fastest

    @Option(help: "Precision: fp32 or bf16.")
    var precision: InferencePrecision = .fp32

    @Flag(help: "Print the oneDNN implementation of every layer for each case.")
    var implementations = false

    mutating func validate() throws {
        guard runs >= 1, warmup >= 0 else { throw ValidationError("--runs must be >= 1 and --warmup >= 0") }
        try validateThreads(threads)
        _ = try parsedCases()
    }

    func parsedCases() throws -> [InferenceBenchmark.Case] {
        try cases.split(separator: ",").map { item in
            let parts = item.split(separator: "x")
            guard parts.count == 2, let n = Int(parts[0]), let s = Int(parts[1]), n >= 1, s >= InferenceNetwork.minimumSize else {
                throw ValidationError("bad case '\(item)': expected NxS with N >= 1 and S >= \(InferenceNetwork.minimumSize), e.g. 16x224")
            }
            // The input tensor alone is n*3*s*s floats: refuse sizes that cannot be allocated
            // before trying (1x99999 would ask for 120 GB), with the same pixel limit as images.
            let (ss, o1) = s.multipliedReportingOverflow(by: s)
            let (pixels, o2) = ss.multipliedReportingOverflow(by: n)
            guard !o1, !o2, pixels <= ImageLimits.pillowMaxPixels else {
                throw ValidationError(
                    "case '\(item)' is \(o1 || o2 ? "too many" : String(pixels)) pixels in all, above the \(ImageLimits.pillowMaxPixels)-pixel limit")
            }
            return InferenceBenchmark.Case(batch: n, size: s)
        }
    }

    func run() throws {
        var settings = InferenceBenchmark.Settings(cases: try parsedCases())
        settings.compute = ComputeOptions(threads: threads)
        settings.runs = runs
        settings.warmup = warmup
        settings.architecture = arch
        settings.algorithm = algorithm
        settings.precision = precision
        settings.implementations = implementations
        try InferenceBenchmark.run(settings) { print($0) }
    }
}
