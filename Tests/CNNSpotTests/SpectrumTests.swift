import Foundation
import XCTest
import CNNSpot

/// A plain 3x3 median with SciPy's 'reflect' border (d c b a | a b c d), test-only: the real one
/// comes from the image-ops module and is injected the same way.
func testMedian3(_ x: [Float], _ w: Int, _ h: Int) -> [Float] {
    func reflect(_ i: Int, _ n: Int) -> Int { i < 0 ? -i - 1 : (i >= n ? 2 * n - i - 1 : i) }
    var out = x
    var window = [Float](repeating: 0, count: 9)
    for y in 0..<h {
        for xx in 0..<w {
            var k = 0
            for dy in -1...1 {
                for dx in -1...1 {
                    window[k] = x[reflect(y + dy, h) * w + reflect(xx + dx, w)]; k += 1
                }
            }
            window.sort()
            out[y * w + xx] = window[4]
        }
    }
    return out
}

/// ResidualSpectrum vs numpy fft2 of `x - scipy.ndimage.median_filter(x, 3, mode='reflect')`.
final class SpectrumTests: XCTestCase {
    func images() throws -> [RGBImage] {
        let a = try TestPaths.npy("spectrum_images_u8.npy")
        XCTAssertEqual(a.shape, [3, 24, 32, 3])
        guard case .uint8(let px) = a.values else { throw NpyError.unsupported("expected uint8") }
        let n = 24 * 32 * 3
        return (0..<3).map { RGBImage(width: 32, height: 24, pixels: Array(px[$0 * n..<($0 + 1) * n])) }
    }

    func testTestMedianMatchesScipy() throws {
        let img = try images()[0]
        let plane = ResidualSpectrum.planes(of: img, .rgb)[0]
        let expected = try TestPaths.npy("median3_channel0_image0.npy")
        XCTAssertEqual(expected.shape, [24, 32])
        XCTAssertEqual(testMedian3(plane, 32, 24).map(Double.init), expected.doubles)
    }

    func testPerChannelSpectrumMatchesNumpy() throws {
        var acc = ResidualSpectrum(width: 32, height: 24, planes: .rgb, medianFilter: testMedian3)
        for img in try images() { try acc.add(img) }
        XCTAssertEqual(acc.imageCount, 3)
        let mean = try XCTUnwrap(acc.mean())
        let ref = try TestPaths.npy("spectrum_per_channel.npy")
        XCTAssertEqual(ref.shape, [3, 24, 32]); XCTAssertEqual(mean.count, 3)
        let e = assertClose(mean.flatMap { $0 }, ref.doubles, tolerance: 1e-9, "per-channel log spectrum")
        print("spectrum rgb: worst abs error (log units) \(e)")
    }

    func testGreySpectrumMatchesNumpyAndDecibelsScale() throws {
        var acc = ResidualSpectrum(width: 32, height: 24, planes: .grey, medianFilter: testMedian3)
        var db = ResidualSpectrum(width: 32, height: 24, planes: .grey, scale: .decibels, medianFilter: testMedian3)
        for img in try images() { try acc.add(img); try db.add(img) }
        let mean = try XCTUnwrap(acc.mean())
        XCTAssertEqual(mean.count, 1)
        let e = assertClose(mean[0], try TestPaths.npy("spectrum_grey.npy").doubles, tolerance: 1e-9, "grey log spectrum")
        print("spectrum grey: worst abs error \(e)")
        // 20 log10(m) = ln(m) * 20 / ln(10).
        assertClose(try XCTUnwrap(db.mean())[0], mean[0].map { $0 * 20 / log(10) }, tolerance: 1e-9, "decibels")
    }

    func testErrorsAndEmpty() throws {
        var acc = ResidualSpectrum(width: 32, height: 24, medianFilter: testMedian3)
        XCTAssertNil(acc.mean())
        XCTAssertThrowsError(try acc.add(RGBImage(width: 31, height: 24))) {
            XCTAssertTrue("\($0)".contains("31x24"), "\($0)")
        }
        XCTAssertThrowsError(try acc.add(planes: [[Float](repeating: 0, count: 10)]))
        var bad = ResidualSpectrum(width: 4, height: 4, medianFilter: { x, _, _ in Array(x.prefix(3)) })
        XCTAssertThrowsError(try bad.add(RGBImage(width: 4, height: 4)), "a median filter returning the wrong size is caught")
    }
}

/// The property the paper's spectra show: a periodic up-sampling trace gives spectral peaks.
final class SpectrumArtifactTests: XCTestCase {
    func testPeriodicTraceMakesAPeakAndRenders() throws {
        var rng = SplitMix(seed: 7)
        var real = ResidualSpectrum(width: 64, height: 64, medianFilter: testMedian3)
        var fake = ResidualSpectrum(width: 64, height: 64, medianFilter: testMedian3)
        for _ in 0..<8 {
            var a = [UInt8](repeating: 0, count: 64 * 64 * 3), b = a
            for y in 0..<64 {
                for x in 0..<64 {
                    for c in 0..<3 {
                        let v = 60 + Int(rng.next() % 120)
                        a[(y * 64 + x) * 3 + c] = UInt8(v)
                        // A 2-pixel checkerboard of +-6 levels: the classic transposed-convolution trace.
                        b[(y * 64 + x) * 3 + c] = UInt8(v + ((x + y) % 2 == 0 ? 6 : -6))
                    }
                }
            }
            try real.add(RGBImage(width: 64, height: 64, pixels: a))
            try fake.add(RGBImage(width: 64, height: 64, pixels: b))
        }
        let r = try XCTUnwrap(real.mean())[0], f = try XCTUnwrap(fake.mean())[0]
        // Frequency (32, 32) lands at index (0, 0) after fftshift (numpy's roll by n / 2).
        let median = f.sorted()[f.count / 2]
        XCTAssertGreaterThan(f[0] - median, 2.0, "fake: checkerboard peak stands out (log units)")
        XCTAssertLessThan(abs(r[0] - r.sorted()[r.count / 2]), 2.0, "real: no peak")
        let map = Heatmap(
            panels: [
                HeatmapPanel(title: "real", width: 64, height: 64, values: r),
                HeatmapPanel(title: "fake", width: 64, height: 64, values: f)
            ],
            title: "mean residual spectrum", colormap: .magma)
        let im = map.render()
        savePlotForViewing(im, "heatmap_spectra")
        XCTAssertEqual(map.effectiveScale, 4)
        let o = map.panelOrigins()[1]
        XCTAssertEqual(pixel(im, o.x, o.y), PlotColor(0xFC, 0xFD, 0xBF), "the peak pixel takes the top colour")
    }

    func testCenterCropOffsetsFollowTorchvision() throws {
        var px = [UInt8](repeating: 0, count: 7 * 5 * 3)
        for i in 0..<35 { px[3 * i] = UInt8(i) }
        let im = RGBImage(width: 7, height: 5, pixels: px)
        // torchvision: top = round((5 - 2) / 2) = round(1.5) = 2, left = round((7 - 4) / 2) = 2.
        let c = try ResidualSpectrum.centerCrop(im, width: 4, height: 2)
        XCTAssertEqual(c.width, 4); XCTAssertEqual(c.height, 2)
        XCTAssertEqual(c[0, 0, 0], UInt8(2 * 7 + 2))
        // round(0.5) = 0 (to even): a 1-pixel margin splits with the extra pixel at the end.
        XCTAssertEqual(try ResidualSpectrum.centerCrop(im, width: 6, height: 4)[0, 0, 0], 0)
        XCTAssertThrowsError(try ResidualSpectrum.centerCrop(im, width: 8, height: 2))
    }
}

/// A tiny deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
