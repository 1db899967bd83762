import Foundation
import XCTest
import CNNSpot

/// FFT2D vs `numpy.fft.fft2` / `fftshift` (fixtures by scripts/fixtures/make_metrics_fixtures.py).
/// Tolerance: 1e-9 relative to the largest output magnitude (measured worst is printed).
final class FFTTests: XCTestCase {
    let sizes = [(8, 8), (17, 9), (1, 1), (1, 7), (12, 5), (3, 16), (31, 2), (100, 75)]

    func testMatchesNumpyFFT2() throws {
        for (h, w) in sizes {
            let input = try TestPaths.npy("fft_in_\(h)x\(w).npy")
            let expected = try TestPaths.npy("fft_out_\(h)x\(w).npy")
            XCTAssertEqual(input.shape, [h, w]); XCTAssertEqual(expected.shape, [2, h, w])
            let z = FFT2D(height: h, width: w).forward(real: input.doubles)
            XCTAssertEqual(z.height, h); XCTAssertEqual(z.width, w)
            let ref = expected.doubles
            let scale = max(1, ref.map(abs).max()!)
            let e1 = assertClose(z.re, Array(ref[0..<h * w]), tolerance: 1e-9, relativeTo: scale, "re \(h)x\(w)")
            let e2 = assertClose(z.im, Array(ref[(h * w)...]), tolerance: 1e-9, relativeTo: scale, "im \(h)x\(w)")
            print("fft2 \(h)x\(w): worst relative error \(max(e1, e2) / scale)")
        }
    }

    func testLargePowerOfTwoSampled() throws {
        let input = try TestPaths.npy("fft256_in_u8.npy")
        XCTAssertEqual(input.shape, [256, 256])
        let index = try TestPaths.npy("fft256_sample_index.npy").doubles.map { Int($0) }
        let values = try TestPaths.npy("fft256_sample_values.npy").doubles
        XCTAssertEqual(values.count, 2 * index.count)
        let z = FFT2D(height: 256, width: 256).forward(real: input.doubles)
        let scale = values.map(abs).max()!
        let e = assertClose(
            index.map { z.re[$0] } + index.map { z.im[$0] }, values, tolerance: 1e-9,
            relativeTo: scale, "fft2 256x256 (2000 samples)")
        print("fft2 256x256: worst relative error \(e / scale)")
    }

    func testFFTShiftMatchesNumpy() throws {
        for (h, w) in sizes where h * w < 1000 {
            let input = try TestPaths.npy("fft_in_\(h)x\(w).npy").doubles
            let expected = try TestPaths.npy("fft_shift_\(h)x\(w).npy").doubles
            XCTAssertEqual(FFT2D.fftshift(input, height: h, width: w), expected, "fftshift \(h)x\(w)")
        }
    }

    func testImpulseAndConstant() {
        // A unit impulse at the origin has a flat spectrum; a constant has only a DC term.
        var x = [Double](repeating: 0, count: 6 * 10); x[0] = 1
        let z = FFT2D(height: 6, width: 10).forward(real: x)
        XCTAssertEqual(z.magnitudes.map { abs($0 - 1) }.max()!, 0, accuracy: 1e-14)
        let c = FFT2D(height: 7, width: 5).forward(real: [Double](repeating: 2, count: 35))
        XCTAssertEqual(c.re[0], 70, accuracy: 1e-12)
        XCTAssertEqual(c.magnitudes.dropFirst().max()!, 0, accuracy: 1e-12)
    }
}
