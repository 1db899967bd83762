import Foundation

/// `cnnspot bench`: inference speed of a detector network with closed-formula synthetic weights,
/// on the same inputs as scripts/bench/bench_reference.py (onnxruntime, PyTorch): warm-up runs,
/// then median and min of timed runs per case.
public enum InferenceBenchmark {
    /// A batch of `batch` images of `size` x `size`.
    public struct Case: Sendable, Equatable {
        public var batch: Int
        public var size: Int
        public init(batch: Int, size: Int) { self.batch = batch; self.size = size }
    }

    public struct Settings: Sendable {
        public var cases: [Case]
        /// Timed runs per case (median and min are reported).
        public var runs = 7
        /// Untimed runs per case before them (the first builds the case's primitives).
        public var warmup = 2
        public var architecture: ResNetSpec.Architecture = .resnet50
        public var algorithm: InferenceConvolutionAlgorithm = .fastest
        public var precision: InferencePrecision = .fp32
        /// Also list the oneDNN implementation of every layer per case.
        public var implementations = false
        /// What the network runs with (its thread count is shown in the header).
        public var compute = ComputeOptions()

        public init(cases: [Case]) { self.cases = cases }
    }

    /// x[i] = sin(0.001 i) over NCHW row-major: values in [-1, 1] like a normalised image;
    /// bench_reference.py uses the same formula.
    public static func input(count: Int) -> [Float] {
        (0..<count).map { Float(sin(0.001 * Double($0))) }
    }

    /// Builds the network and times every case, writing the header, a row per case as it
    /// finishes and a closing line through `line`.
    public static func run(_ settings: Settings, line: (String) -> Void) throws {
        let spec = ResNetSpec(settings.architecture, numClasses: 1)
        let buildStart = Date()
        let network = try InferenceNetwork(
            spec: spec, stateDict: SyntheticWeights.stateDict(spec),
            algorithm: settings.algorithm, precision: settings.precision,
            compute: settings.compute)
        line(
            "# \(settings.architecture.rawValue), synthetic weights, \(settings.precision.rawValue), \(settings.algorithm.rawValue)\(network.usesWinograd ? " (Winograd)" : ""), oneDNN \(DNNLVersion.string), threads \(settings.compute.threads), "
                + "built in \(String(format: "%.2f", Date().timeIntervalSince(buildStart))) s; "
                + "OMP_WAIT_POLICY=\(ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "(unset)"); load \(BenchmarkClock.loadAverage())")
        line("case        median ms   min ms   img/s  GFLOP/s  peak RSS MB  first ms  CPU ms/run  logit[0]")
        for c in settings.cases {
            let (n, s) = (c.batch, c.size)
            let input = Self.input(count: n * 3 * s * s)
            let t0 = Date()
            var logits = try network.logits(HostTensor(shape: [n, 3, s, s], data: input))
            let first = Date().timeIntervalSince(t0) * 1e3
            for _ in 0..<max(0, settings.warmup - 1) { logits = try network.logits(HostTensor(shape: [n, 3, s, s], data: input)) }
            var times: [Double] = []
            let cpuStart = BenchmarkClock.processCPUSeconds()
            try input.withUnsafeBufferPointer { buf in
                for _ in 0..<settings.runs {
                    let start = DispatchTime.now().uptimeNanoseconds
                    logits = try network.logits(buf, batch: n, height: s, width: s)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                }
            }
            let cpuPerRun = (BenchmarkClock.processCPUSeconds() - cpuStart) / Double(settings.runs) * 1e3
            let median = BenchmarkClock.median(times)
            let gflops = Double(n) * network.flops(height: s, width: s) / (median / 1e3) / 1e9
            line(
                "\(n)x\(s)".padding(toLength: 10, withPad: " ", startingAt: 0)
                    + String(
                        format: " %10.1f %8.1f %7.2f %8.1f %12.0f %9.0f %11.1f  %.6f",
                        median, times.min()!, Double(n) / (median / 1e3), gflops, BenchmarkClock.peakRSSMegabytes(), first,
                        cpuPerRun, logits[0]))
            line(
                "    plan: \(network.cachedPlanBytes >> 20) MiB (activations, scratchpad, shape-specific weights); "
                    + "weights: \(network.weightBytes >> 20) MiB")
            if settings.implementations {
                for (step, impl) in try network.implementations(batch: n, height: s, width: s) { line("    \(step): \(impl)") }
            }
            network.clearPlanCache()
        }
        line("# weights held: \(network.weightBytes >> 20) MiB (all layouts); load \(BenchmarkClock.loadAverage())")
    }
}
