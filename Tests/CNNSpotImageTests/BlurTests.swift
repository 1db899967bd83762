import CNNSpotImage
import XCTest

/// Gaussian blur against `scipy.ndimage.gaussian_filter(img[:,:,c], output=img[:,:,c], sigma)`
/// (SciPy 1.17.1, Fixtures/ops). Tolerance: none, bytes must be identical.
final class BlurTests: XCTestCase {
    func testMatchesSciPyByteForByte() throws {
        let cases = try OpsFixtures.manifest("blur")
        XCTAssertEqual(cases.count, 64)
        var checked = 0, worst = 0, differing = 0, total = 0
        for c in cases {
            let input = try OpsFixtures.image(try XCTUnwrap(c["input"] as? String))
            let sigma = try XCTUnwrap(c["sigma"] as? Double)
            let out = try gaussianBlur(input, sigma: sigma)
            XCTAssertEqual(out.width, input.width); XCTAssertEqual(out.height, input.height)
            if let hash = c["sha256"] as? String {
                XCTAssertEqual(sha256Hex(out.pixels), hash, "\(c["input"]!) sigma \(sigma): sha256 differs")
            } else {
                let expected = try OpsFixtures.bytes(try XCTUnwrap(c["expected"] as? String))
                XCTAssertEqual(expected.shape, [input.height, input.width, 3])
                let d = byteDiff(out.pixels, expected.values)
                worst = max(worst, d.maxDiff); differing += d.count; total += expected.values.count
                XCTAssertEqual(d.count, 0, "\(c["input"]!) sigma \(sigma): \(d.count) bytes differ, max \(d.maxDiff)")
            }
            checked += 1
        }
        print("blur: \(checked) cases, max |diff| \(worst), differing bytes \(differing)/\(total)")
    }

    /// SciPy truncates each pass into the uint8 output: a flat 100 image drifts to 98 with
    /// sigma 0.3 (checked in SciPy 1.17.1); a rounding implementation would keep 100.
    func testTruncatesBetweenPasses() throws {
        let flat = RGBImage(width: 20, height: 20, pixels: [UInt8](repeating: 100, count: 1200))
        XCTAssertEqual(Set(try gaussianBlur(flat, sigma: 0.3).pixels), [98])
        XCTAssertEqual(Set(try gaussianBlur(flat, sigma: 1).pixels), [100])
    }

    func testKernelIsNormalisedAndSymmetric() {
        for sigma in [0.3, 1.0, 2.37, 4.0] {
            let k = gaussianKernel1D(sigma: sigma)
            XCTAssertEqual(k.count, 2 * Int(4 * sigma + 0.5) + 1)
            XCTAssertEqual(k.reduce(0, +), 1, accuracy: 1e-15)
            XCTAssertEqual(k, Array(k.reversed()))
        }
    }

    func testRejectsBadSigma() {
        let img = RGBImage(width: 2, height: 2)
        for bad in [-1.0, .nan, .infinity, 1000] {
            XCTAssertThrowsError(try gaussianBlur(img, sigma: bad)) { err in
                XCTAssertTrue("\(err)".contains("sigma"), "\(err)")
            }
        }
    }
}
