import Foundation
import XCTest
import CNNSpot

final class SpectrumReportTests: XCTestCase {
    let fixtures = TestPaths.root.appendingPathComponent("Fixtures/analysis")
    let minisynths = TestPaths.sharedData.appendingPathComponent("minisynths/test")

    /// peakView vs `x - scipy.ndimage.median_filter(x, 5, mode='wrap')` (a selection and one
    /// subtraction: exact).
    func testPeakViewMatchesSciPyWrapMedian() throws {
        let x = try NpyArray.read(from: fixtures.appendingPathComponent("peak_view_in.npy"))
        let ref = try NpyArray.read(from: fixtures.appendingPathComponent("peak_view_w5.npy"))
        XCTAssertEqual(x.shape, [20, 24]); XCTAssertEqual(ref.shape, [20, 24])
        let got = SpectrumReport.peakView(x.doubles, width: 24, height: 20, window: 5)
        let e = assertClose(got, ref.doubles, tolerance: 0, "peak view")
        print("peak view: worst abs error \(e)")
    }

    /// The whole per-source pipeline (decode, centre crop 64, grey, SciPy median3, FFT, log,
    /// mean, shift) against NumPy/SciPy on three minisynths fakes.
    func testComputeMatchesNumPyOnMinisynths() throws {
        let names = try String(contentsOf: fixtures.appendingPathComponent("spectrum_srvgg_fake_c64.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        XCTAssertEqual(names.count, 3)
        let files = names.map { minisynths.appendingPathComponent("srvgg/1_fake/\($0)").path }
        var settings = SpectrumReport.Settings()
        settings.size = 64
        let r = try SpectrumReport.compute(.init(name: "srvgg", label: "fake", files: files), settings: settings)
        XCTAssertEqual(r.imageCount, 3); XCTAssertEqual(r.planes.count, 1); XCTAssertTrue(r.skipped.isEmpty)
        let ref = try NpyArray.read(from: fixtures.appendingPathComponent("spectrum_srvgg_fake_c64.npy"))
        XCTAssertEqual(ref.shape, [64, 64])
        let e = assertClose(r.planes[0], ref.doubles, tolerance: 1e-9, "mean residual log spectrum")
        print("spectrum c64 vs numpy: worst abs error (log units) \(e)")
    }

    func testUpsamplingFrequenciesAndStrengthOfAnIdealPeakPattern() {
        let pts = SpectrumReport.upsamplingFrequencies(width: 256, height: 256)
        XCTAssertEqual(pts.count, 15)
        XCTAssertEqual(Set(pts.map { $0.row }), [0, 64, 128, 192])
        XCTAssertFalse(pts.contains { $0.row == 128 && $0.column == 128 }, "zero frequency is not an up-sampling peak")
        var plane = [Double](repeating: 0, count: 256 * 256)
        XCTAssertEqual(SpectrumReport.upsamplingPeakStrength(plane, width: 256, height: 256), 0)
        for p in pts { plane[p.row * 256 + p.column] = 1 }
        XCTAssertEqual(SpectrumReport.upsamplingPeakStrength(plane, width: 256, height: 256), 1)
    }

    /// The paper's observation on our data: CNN up-sampling (4x super-resolution, CycleGAN's two
    /// 2x transposed convolutions) leaves peaks at +-N/4 and N/2 in the residual spectrum that
    /// real photos lack. Six reals and six fakes of each minisynths family.
    func testUpsamplingPeaksStandOutOnMinisynthsFakes() throws {
        var settings = SpectrumReport.Settings()
        settings.maxImages = 6
        for family in ["realesrgan", "srvgg", "cyclegan"] {
            let sources = try SpectrumReport.sources(of: minisynths.appendingPathComponent(family).path, maxImages: 6)
            XCTAssertEqual(sources.map(\.label), ["real", "fake"])
            XCTAssertEqual(sources.map(\.files.count), [6, 6])
            let strength = try sources.map { s -> Double in
                let r = try SpectrumReport.compute(s, settings: settings)
                XCTAssertEqual(r.imageCount, 6)
                return SpectrumReport.upsamplingPeakStrength(r.planes[0], width: 256, height: 256)
            }
            print("\(family): up-sampling peak strength real \(strength[0]), fake \(strength[1])")
            // NumPy/SciPy give 0.38, 1.56 and 1.09 for these differences; real spectra stay near 0.
            XCTAssertGreaterThan(strength[1] - strength[0], 0.25, family)
            XCTAssertLessThan(abs(strength[0]), 0.15, family)
        }
    }

    func testSourcesSkippedFilesAndWrittenFiles() throws {
        let dir = try makeTempDir(self)
        let plain = dir.appendingPathComponent("mixed")
        try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
        let good = minisynths.appendingPathComponent("cyclegan/1_fake")
        for f in try FileManager.default.contentsOfDirectory(atPath: good.path).sorted().prefix(2) {
            try FileManager.default.copyItem(at: good.appendingPathComponent(f), to: plain.appendingPathComponent(f))
        }
        try Data(ImageEncoder.png(RGBImage(width: 40, height: 40))).write(to: plain.appendingPathComponent("small.png"))
        try Data("junk".utf8).write(to: plain.appendingPathComponent("broken.png"))
        let sources = try SpectrumReport.sources(of: plain.path, maxImages: 100)
        XCTAssertEqual(sources.count, 1); XCTAssertNil(sources[0].label); XCTAssertEqual(sources[0].files.count, 4)
        var settings = SpectrumReport.Settings()
        settings.size = 32; settings.planes = .rgb
        let r = try SpectrumReport.compute(sources[0], settings: settings)
        XCTAssertEqual(r.imageCount, 3, "two photos and the 40x40 image, cropped to 32x32")
        XCTAssertEqual(r.skipped.count, 1)
        XCTAssertTrue(r.skipped.contains { $0.contains("broken.png") }, "\(r.skipped)")
        XCTAssertEqual(r.planes.count, 3)

        settings.size = 64
        let r256 = try SpectrumReport.compute(sources[0], settings: settings)
        XCTAssertEqual(r256.imageCount, 2)
        XCTAssertTrue(r256.skipped.contains { $0.contains("small.png") && $0.contains("40x40") }, "\(r256.skipped)")
        XCTAssertThrowsError(
            try SpectrumReport.compute(
                .init(name: "x", label: nil, files: [plain.appendingPathComponent("broken.png").path]),
                settings: settings)
        ) { XCTAssertTrue("\($0)".contains("broken.png"), "\($0)") }

        let set = try SpectrumReport.sources(of: minisynths.appendingPathComponent("srvgg").path, maxImages: 2)
        settings.size = 64; settings.planes = .grey
        let results = try set.map { try SpectrumReport.compute($0, settings: settings) }
        let out = dir.appendingPathComponent("out")
        let written = try SpectrumReport.write([results, [r]], to: out, window: 9)
        XCTAssertEqual(
            Set(written),
            [
                "srvgg_real.npy", "srvgg_real.png", "srvgg_fake.npy", "srvgg_fake.png", "srvgg.png",
                "mixed.npy", "mixed.png", "spectra.png", "spectrum.json"
            ])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("spectrum.json"))) as? [String: Any])
        let entries = try XCTUnwrap(json["sources"] as? [[String: Any]])
        XCTAssertEqual(entries.map { $0["stem"] as? String }, ["srvgg_real", "srvgg_fake", "mixed"])
        XCTAssertEqual(entries.map { $0["images"] as? Int }, [2, 2, 3])
        XCTAssertEqual(
            (entries[1]["upsampling_peak_strength"] as? NSNumber)?.doubleValue,
            SpectrumReport.upsamplingPeakStrength(results[1].planes[0], width: 64, height: 64))
        let npy = try NpyArray.read(from: out.appendingPathComponent("srvgg_fake.npy"))
        XCTAssertEqual(npy.shape, [64, 64]); XCTAssertEqual(npy.doubles, results[1].planes[0])
        XCTAssertEqual(try NpyArray.read(from: out.appendingPathComponent("mixed.npy")).shape, [3, 32, 32])
        for name in written where name.hasSuffix(".png") {
            let png = try ImageDecoder.decode(path: out.appendingPathComponent(name).path).image
            XCTAssertGreaterThan(png.width, 256, name); XCTAssertGreaterThan(png.height, 256, name)
        }
    }
}

final class SpectrumReportNamingTests: XCTestCase {
    func testRepeatedNamesAreMadeUnique() throws {
        let minisynths = TestPaths.sharedData.appendingPathComponent("minisynths/test")
        let a = try SpectrumReport.sources(of: minisynths.appendingPathComponent("srvgg/1_fake").path, maxImages: 1)
        XCTAssertEqual(a.map(\.stem), ["srvgg_1_fake"], "a set's half alone is named after its set")
        let set = try SpectrumReport.sources(of: minisynths.appendingPathComponent("srvgg").path, maxImages: 1)
        let named = SpectrumReport.uniquelyNamed([set, set, a, a, [.init(name: "spectra", label: nil, files: [])]])
        XCTAssertEqual(
            named.map { $0.map(\.stem) },
            [
                ["srvgg_real", "srvgg_fake"], ["srvgg-2_real", "srvgg-2_fake"],
                ["srvgg_1_fake"], ["srvgg_1_fake-2"], ["spectra-2"]
            ])
    }
}
