import Foundation
import XCTest
import CNNSpot

/// Writes the README's synth figures from real photo patches (../shared/data/photos), through
/// the library's spectrum report code: docs/synth/spectrum_<family>.png (reals beside fakes of
/// the same patches) and docs/synth/pairs.png (real | fakes of every family), plus
/// docs/synth/peaks.txt with the measured peak strengths and PSNR. Opt-in because it takes
/// minutes: `CNNSPOT_SYNTH_FIGURES=1 swift test -c release --skip-build --filter SynthFiguresTests`.
final class SynthFiguresTests: XCTestCase {
    func testWriteFigures() throws {
        guard ProcessInfo.processInfo.environment["CNNSPOT_SYNTH_FIGURES"] == "1" else {
            throw XCTSkip("figure writer: set CNNSPOT_SYNTH_FIGURES=1 to write docs/synth/")
        }
        let out = TestPaths.root.appendingPathComponent("docs/synth")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let count = Int(ProcessInfo.processInfo.environment["CNNSPOT_SYNTH_FIGURE_PATCHES"] ?? "") ?? 48
        let reals = try SynthTestPatches.load(count: count, size: 256)
        let realResult = try result(reals, name: "real", label: "real")
        var lines = [
            "# measured by Tests/CNNSpotTests/SynthFiguresTests.swift: \(count) centre 256x256 patches of ../shared/data/photos",
            "# family  peak_strength_fakes  peak_strength_reals  psnr_min  psnr_median  psnr_max  seconds_prepare"
        ]
        var pairs: [[RGBImage]] = [Array(reals.prefix(4))]
        var names = ["real"]
        for entry in SynthFamilies.available {
            let family = try SynthFamilies.make(entry.name)
            let t0 = Date()
            try family.prepare(patches: reals, directory: try makeTempDir(self).path)
            let prepareSeconds = Date().timeIntervalSince(t0)
            let fakes = try reals.enumerated().map { try family.fake(of: $1, seed: UInt64(7000 + $0)) }
            let psnr = zip(reals, fakes).map { SynthTensor.psnr($0, $1) }.sorted()
            let fakeResult = try result(fakes, name: entry.name, label: "fake")
            let figure = SpectrumReport.figure([realResult, fakeResult], name: entry.name, window: 9)
            try Data(try ImageEncoder.png(figure)).write(to: out.appendingPathComponent("spectrum_\(entry.name).png"))
            let peak = SpectrumReport.upsamplingPeakStrength(fakeResult.planes[0], width: 256, height: 256)
            let realPeak = SpectrumReport.upsamplingPeakStrength(realResult.planes[0], width: 256, height: 256)
            lines.append(
                String(
                    format: "%@ %.3f %.3f %.1f %.1f %.1f %.1f", entry.name, peak, realPeak, psnr.first!, psnr[psnr.count / 2],
                    psnr.last!, prepareSeconds))
            pairs.append(Array(fakes.prefix(4)))
            names.append(entry.name)
        }
        try (lines.joined(separator: "\n") + "\n").write(to: out.appendingPathComponent("peaks.txt"), atomically: true, encoding: .utf8)
        try Data(try ImageEncoder.png(grid(pairs, names: names))).write(to: out.appendingPathComponent("pairs.png"))
        print(lines.joined(separator: "\n"))
    }

    private func result(_ images: [RGBImage], name: String, label: String) throws -> SpectrumReport.Result {
        var acc = ResidualSpectrum(width: 256, height: 256, medianFilter: SpectrumReport.median3)
        for im in images { try acc.add(im) }
        return SpectrumReport.Result(
            source: .init(name: name, label: label, files: []), planes: acc.mean()!, size: 256,
            imageCount: images.count)
    }

    /// Columns: real, then each family; rows: patches; 128x128 centre crops, a title row.
    private func grid(_ columns: [[RGBImage]], names: [String]) -> RGBImage {
        let cell = 128, gap = 4, head = 28
        let rows = columns[0].count
        var img = RGBImage(width: columns.count * (cell + gap) + gap, height: head + rows * (cell + gap) + gap)
        for i in img.pixels.indices { img.pixels[i] = 255 }
        for (c, col) in columns.enumerated() {
            let x0 = gap + c * (cell + gap)
            let words = names[c].split(separator: "-").map(String.init)
            for (k, w) in words.enumerated() { img.drawText(w, x: x0 + 2, y: 2 + k * 12, color: PlotColor(0, 0, 0)) }
            for (r, patch) in col.enumerated() {
                let crop = try! ResidualSpectrum.centerCrop(patch, width: cell, height: cell)
                let y0 = head + gap + r * (cell + gap)
                for y in 0..<cell { for x in 0..<cell { for ch in 0..<3 { img[x0 + x, y0 + y, ch] = crop[x, y, ch] } } }
            }
        }
        return img
    }
}
