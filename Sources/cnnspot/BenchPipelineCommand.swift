import ArgumentParser
import CNNSpot
import Foundation

/// `cnnspot bench-pipeline`: times decode + the full Blur+JPEG(0.5) training transform
/// (resize 256 bilinear, blur, JPEG, random crop 224, flip, ToTensor + Normalize) on one
/// thread, the Swift side of scripts/bench/pipeline_reference.py.
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

    /// This thread's CPU time in seconds (less disturbed than wall time on a shared machine).
    static func threadCPUTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
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
        return candidates.first { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && d.boolValue }
    }

    /// CPU milliseconds per image for each step on its own.
    func printBreakdown(_ files: [String]) throws {
        print("per step, thread CPU time:")
        func time(_ name: String, _ body: () throws -> Void) rethrows {
            let t0 = BenchPipelineCommand.threadCPUTime()
            try body()
            let ms = (BenchPipelineCommand.threadCPUTime() - t0) * 1e3 / Double(files.count)
            print(String(format: "  %-28@ %.3f ms/image", name as NSString, ms))
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

    /// A path that does not exist is an error naming it (it used to be dropped in silence).
    static func collectPNGs(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else { throw ValidationError("\(p): no such file or folder") }
            if isDir.boolValue {
                let items = fm.enumerator(atPath: p)?.compactMap { $0 as? String } ?? []
                out += items.filter { $0.lowercased().hasSuffix(".png") }.map { (p as NSString).appendingPathComponent($0) }
            } else {
                out.append(p)
            }
        }
        return out.sorted()
    }

    func run() throws {
        let roots: [String]
        if paths.isEmpty {
            guard let found = Self.defaultRoot() else {
                throw ValidationError("no images given, and the default set (../shared/data/minisynths/train, beside the clone or the working directory) was not found: give PNG files or folders")
            }
            roots = [found]
        } else {
            roots = paths
        }
        let files = Array(try BenchPipelineCommand.collectPNGs(roots).prefix(count))
        guard !files.isEmpty else { throw ValidationError("no PNG files under \(roots.joined(separator: ", "))") }
        let pipeline = try AugmentationPipeline(options: .blurJPEG(prob: 0.5))
        var rng = SeededRandom(seed: seed)
        var rates: [Double] = [], cpuRates: [Double] = []
        var checksum: Float = 0
        for r in 1...runs {
            let t0 = DispatchTime.now().uptimeNanoseconds, c0 = BenchPipelineCommand.threadCPUTime()
            for f in files {
                let img = try ImageDecoder.decode(path: f).image
                let t = try pipeline.tensor(img, using: &rng)
                guard t.height == 224, t.width == 224 else {
                    throw ValidationError("\(f): transform gave \(t.width)x\(t.height), expected 224x224")
                }
                checksum += t.chw[0]
            }
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            let cpu = BenchPipelineCommand.threadCPUTime() - c0
            rates.append(Double(files.count) / dt)
            cpuRates.append(Double(files.count) / cpu)
            print(String(format: "run %d: %d images in %.3f s = %.1f images/s (CPU time %.3f s = %.1f images/s)",
                         r, files.count, dt, rates.last!, cpu, cpuRates.last!))
        }
        func median(_ xs: [Double]) -> Double {
            let s = xs.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        if breakdown { try printBreakdown(files) }
        print(String(format: "swift pipeline: median %.1f images/s wall, %.1f images/s CPU over %d runs (%d images, 1 thread; checksum %.3f; blur path %@)",
                     median(rates), median(cpuRates), runs, files.count, checksum, SIMDPath.current.rawValue as NSString))
    }
}
