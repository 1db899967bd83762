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
            for dy in -1...1 { for dx in -1...1 {
                window[k] = x[reflect(y + dy, h) * w + reflect(xx + dx, w)]; k += 1
            } }
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
