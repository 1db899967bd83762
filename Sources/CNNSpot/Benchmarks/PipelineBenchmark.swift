import Foundation

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
            line(
                String(
                    format: "run %d: %d images in %.3f s = %.1f images/s (CPU time %.3f s = %.1f images/s)",
                    r, files.count, dt, rates.last!, cpu, cpuRates.last!))
        }
        if settings.breakdown { try breakdown(files, line: line) }
        line(
            String(
                format: "swift pipeline: median %.1f images/s wall, %.1f images/s CPU over %d runs (%d images, 1 thread; checksum %.3f; blur path %@)",
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
