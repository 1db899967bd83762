import Foundation
import XCTest
import CNNSpot

/// Real patches for the synth family tests: the centre `size x size` crop of the first photos of
/// ../shared/data/photos (alternating BSDS500 and ImageNet), decoded as Pillow does.
enum SynthTestPatches {
    static func load(count: Int, size: Int) throws -> [RGBImage] {
        let root = TestPaths.sharedData.appendingPathComponent("photos")
        let fm = FileManager.default
        let bsds = try fm.contentsOfDirectory(atPath: root.appendingPathComponent("bsds500").path).sorted().map { "bsds500/\($0)" }
        let inet = try fm.contentsOfDirectory(atPath: root.appendingPathComponent("imagenet").path).sorted().map { "imagenet/\($0)" }
        var files: [String] = []
        for i in 0..<count { files.append(i % 2 == 0 ? bsds[i / 2 * 7 % bsds.count] : inet[i / 2 * 5 % inet.count]) }
        return try files.map {
            try ResidualSpectrum.centerCrop(
                ImageDecoder.decode(path: root.appendingPathComponent($0).path).image,
                width: size, height: size)
        }
    }

    /// The spectrum tool's measure: up-sampling peak strength of the mean residual spectrum.
    static func peakStrength(_ images: [RGBImage]) throws -> Double {
        let s = images[0].width
        var spec = ResidualSpectrum(width: s, height: s) { v, w, h in (try? medianFilter(v, height: h, width: w, size: 3)) ?? v }
        for im in images { try spec.add(im) }
        return SpectrumReport.upsamplingPeakStrength(spec.mean()![0], width: s, height: s)
    }

    /// Runs `body` with `n` oneDNN/core threads.
    static func withThreads<R>(_ n: Int, _ body: () throws -> R) rethrows -> R {
        try ComputeOptions(threads: n).bind(body)
    }
}
