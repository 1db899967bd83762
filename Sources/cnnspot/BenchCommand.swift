import ArgumentParser
import CNNSpot
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `cnnspot bench`: inference speed of the detector network (ResNet-50, `fc` to one logit) with
/// closed-formula synthetic weights, on the same inputs as scripts/bench/bench_reference.py
/// (onnxruntime, PyTorch): warm-up runs, then median and min of timed runs per case.
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
        if let threads, threads < 1 { throw ValidationError("--threads must be >= 1") }
        _ = try parsedCases()
    }

    func parsedCases() throws -> [(n: Int, size: Int)] {
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
                throw ValidationError("case '\(item)' is \(o1 || o2 ? "too many" : String(pixels)) pixels in all, above the \(ImageLimits.pillowMaxPixels)-pixel limit")
            }
            return (n, s)
        }
    }

    func run() throws {
        let compute = ComputeOptions(threads: threads)
        let spec = ResNetSpec(arch, numClasses: 1)
        let buildStart = Date()
        let network = try InferenceNetwork(spec: spec, stateDict: SyntheticWeights.stateDict(spec),
                                           algorithm: algorithm, precision: precision, compute: compute)
        print("# \(arch.rawValue), synthetic weights, \(precision.rawValue), \(algorithm.rawValue)\(network.usesWinograd ? " (Winograd)" : ""), oneDNN \(DNNLVersion.string), threads \(compute.threads), "
              + "built in \(String(format: "%.2f", Date().timeIntervalSince(buildStart))) s; "
              + "OMP_WAIT_POLICY=\(ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "(unset)"); load \(Self.loadAverage())")
        print("case        median ms   min ms   img/s  GFLOP/s  peak RSS MB  first ms  CPU ms/run  logit[0]")
        for (n, s) in try parsedCases() {
            let input = Self.benchInput(count: n * 3 * s * s)
            let t0 = Date()
            var logits = try network.logits(HostTensor(shape: [n, 3, s, s], data: input))
            let first = Date().timeIntervalSince(t0) * 1e3
            for _ in 0..<max(0, warmup - 1) { logits = try network.logits(HostTensor(shape: [n, 3, s, s], data: input)) }
            var times: [Double] = []
            let cpuStart = Self.processCPUSeconds()
            try input.withUnsafeBufferPointer { buf in
                for _ in 0..<runs {
                    let start = DispatchTime.now().uptimeNanoseconds
                    logits = try network.logits(buf, batch: n, height: s, width: s)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                }
            }
            let cpuPerRun = (Self.processCPUSeconds() - cpuStart) / Double(runs) * 1e3
            times.sort()
            let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
            let gflops = Double(n) * network.flops(height: s, width: s) / (median / 1e3) / 1e9
            let label = "\(n)x\(s)"
            print(label.padding(toLength: 10, withPad: " ", startingAt: 0)
                  + String(format: " %10.1f %8.1f %7.2f %8.1f %12.0f %9.0f %11.1f  %.6f",
                           median, times[0], Double(n) / (median / 1e3), gflops, Self.peakRSSMegabytes(), first,
                           cpuPerRun, logits[0]))
            print("    plan: \(network.cachedPlanBytes >> 20) MiB (activations, scratchpad, shape-specific weights); "
                  + "weights: \(network.weightBytes >> 20) MiB")
            if implementations {
                for (step, impl) in try network.implementations(batch: n, height: s, width: s) { print("    \(step): \(impl)") }
            }
            network.clearPlanCache()
        }
        print("# weights held: \(network.weightBytes >> 20) MiB (all layouts); load \(Self.loadAverage())")
    }

    /// x[i] = sin(0.001 i) over NCHW row-major: values in [-1, 1] like a normalised image;
    /// bench_reference.py uses the same formula.
    static func benchInput(count: Int) -> [Float] {
        (0..<count).map { Float(sin(0.001 * Double($0))) }
    }

    /// Peak resident set size of this process so far (getrusage; Linux reports KiB).
    static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// User + system CPU time of the process (all threads): the work done, which unlike wall
    /// time hardly depends on other processes competing for the cores.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func loadAverage() -> String {
        var loads = [Double](repeating: 0, count: 3)
        let n = getloadavg(&loads, 3)
        return n == 3 ? String(format: "%.2f %.2f %.2f", loads[0], loads[1], loads[2]) : "?"
    }
}
