import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the timing harnesses measure besides wall time: CPU time (which, unlike wall time,
/// hardly depends on other processes competing for the cores), peak memory and the load.
public enum BenchmarkClock {
    /// The median; the mean of the middle two for an even count.
    public static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Peak resident set size of this process so far (getrusage; Linux reports KiB).
    public static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// User + system CPU time of the process (all threads).
    public static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// This thread's CPU time in seconds.
    public static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The 1, 5 and 15 minute load averages, or `?`.
    public static func loadAverage() -> String {
        var loads = [Double](repeating: 0, count: 3)
        let n = getloadavg(&loads, 3)
        return n == 3 ? String(format: "%.2f %.2f %.2f", loads[0], loads[1], loads[2]) : "?"
    }
}

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
        /// The network's thread count, for the header (the benchmark does not set it).
        public var threads: Int

        public init(cases: [Case], threads: Int) {
            self.cases = cases
            self.threads = threads
        }
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
        let network = try InferenceNetwork(spec: spec, stateDict: SyntheticWeights.stateDict(spec),
                                           algorithm: settings.algorithm, precision: settings.precision)
        line("# \(settings.architecture.rawValue), synthetic weights, \(settings.precision.rawValue), \(settings.algorithm.rawValue)\(network.usesWinograd ? " (Winograd)" : ""), oneDNN \(DNNLVersion.string), threads \(settings.threads), "
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
            line("\(n)x\(s)".padding(toLength: 10, withPad: " ", startingAt: 0)
                 + String(format: " %10.1f %8.1f %7.2f %8.1f %12.0f %9.0f %11.1f  %.6f",
                          median, times.min()!, Double(n) / (median / 1e3), gflops, BenchmarkClock.peakRSSMegabytes(), first,
                          cpuPerRun, logits[0]))
            line("    plan: \(network.cachedPlanBytes >> 20) MiB (activations, scratchpad, shape-specific weights); "
                 + "weights: \(network.weightBytes >> 20) MiB")
            if settings.implementations {
                for (step, impl) in try network.implementations(batch: n, height: s, width: s) { line("    \(step): \(impl)") }
            }
            network.clearPlanCache()
        }
        line("# weights held: \(network.weightBytes >> 20) MiB (all layouts); load \(BenchmarkClock.loadAverage())")
    }
}

/// `cnnspot bench-pipeline`: decode + the full Blur+JPEG(0.5) training transform (resize 256
/// bilinear, blur, JPEG, random crop 224, flip, ToTensor + Normalize) on one thread, the Swift
/// side of scripts/bench/pipeline_reference.py.
public enum PipelineBenchmark {
    public struct Settings: Sendable {
        /// The images, in the order they are transformed.
        public var files: [String]
        /// Timed runs; the median is reported.
        public var runs = 5
        /// Seed of the augmentation's random draws.
        public var seed: UInt64 = 0
        /// Also time each step alone.
        public var breakdown = false

        public init(files: [String]) { self.files = files }
    }

    public enum Failure: Error, CustomStringConvertible {
        case missing(String)
        case wrongSize(String)

        public var description: String {
            switch self {
            case .missing(let m), .wrongSize(let m): return m
            }
        }
    }

    /// The PNG files of `paths` (files as given, folders searched recursively), sorted. A path
    /// that does not exist is an error naming it (it used to be dropped in silence).
    public static func collectPNGs(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else { throw Failure.missing("\(p): no such file or folder") }
            if isDir.boolValue {
                let items = fm.enumerator(atPath: p)?.compactMap { $0 as? String } ?? []
                out += items.filter { $0.lowercased().hasSuffix(".png") }.map { (p as NSString).appendingPathComponent($0) }
            } else {
                out.append(p)
            }
        }
        return out.sorted()
    }

    /// Times every run (a line each through `line`), then the breakdown if asked, then the
    /// summary line.
    public static func run(_ settings: Settings, line: (String) -> Void) throws {
        let files = settings.files
        let pipeline = try AugmentationPipeline(options: .blurJPEG(prob: 0.5))
        var rng = SeededRandom(seed: settings.seed)
        var rates: [Double] = [], cpuRates: [Double] = []
        var checksum: Float = 0
        for r in 1...settings.runs {
            let t0 = DispatchTime.now().uptimeNanoseconds, c0 = BenchmarkClock.threadCPUSeconds()
            for f in files {
                let img = try ImageDecoder.decode(path: f).image
                let t = try pipeline.tensor(img, using: &rng)
                guard t.height == 224, t.width == 224 else {
                    throw Failure.wrongSize("\(f): transform gave \(t.width)x\(t.height), expected 224x224")
                }
                checksum += t.chw[0]
            }
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            let cpu = BenchmarkClock.threadCPUSeconds() - c0
            rates.append(Double(files.count) / dt)
            cpuRates.append(Double(files.count) / cpu)
            line(String(format: "run %d: %d images in %.3f s = %.1f images/s (CPU time %.3f s = %.1f images/s)",
                        r, files.count, dt, rates.last!, cpu, cpuRates.last!))
        }
        if settings.breakdown { try breakdown(files, line: line) }
        line(String(format: "swift pipeline: median %.1f images/s wall, %.1f images/s CPU over %d runs (%d images, 1 thread; checksum %.3f; blur path %@)",
                    BenchmarkClock.median(rates), BenchmarkClock.median(cpuRates), settings.runs, files.count, checksum,
                    SIMDPath.current.rawValue as NSString))
    }

    /// CPU milliseconds per image for each step on its own (decode, blur at sigma 1.5 and 3,
    /// JPEG q65, resize, crop+flip, tensor).
    static func breakdown(_ files: [String], line: (String) -> Void) throws {
        line("per step, thread CPU time:")
        func time(_ name: String, _ body: () throws -> Void) rethrows {
            let t0 = BenchmarkClock.threadCPUSeconds()
            try body()
            let ms = (BenchmarkClock.threadCPUSeconds() - t0) * 1e3 / Double(files.count)
            line(String(format: "  %-28@ %.3f ms/image", name as NSString, ms))
        }
        var images: [RGBImage] = []
        try time("decode PNG") { images = try files.map { try ImageDecoder.decode(path: $0).image } }
        try time("blur sigma 1.5") { for i in images { _ = try gaussianBlur(i, sigma: 1.5) } }
        try time("blur sigma 3") { for i in images { _ = try gaussianBlur(i, sigma: 3) } }
        try time("JPEG q65 round trip") { for i in images { _ = try jpegRoundTrip(i, quality: 65, method: .pil) } }
        try time("resize 256->300 bilinear") { for i in images { _ = try resizeShorterSide(i, to: 300, interpolation: .bilinear) } }
        var rng = SeededRandom(seed: 1)
        try time("random crop 224 + flip") { for i in images { _ = horizontalFlip(try randomCrop(i, height: 224, width: 224, using: &rng)) } }
        time("ToTensor + Normalize 224") { for i in images { _ = TensorNormalization.imageNet.chw(i) } }
    }
}
