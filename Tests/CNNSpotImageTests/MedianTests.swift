import CNNSpotImage
import XCTest

/// Median filter against `scipy.ndimage.median_filter(x, size=k, mode='reflect')` (SciPy
/// 1.17.1) on float32 and uint8 planes, k in {1, 2, 3, 4, 5, 7}: exact.
final class MedianTests: XCTestCase {
    func testMatchesSciPyExactly() throws {
        let cases = try OpsFixtures.manifest("median")
        XCTAssertEqual(cases.count, 36)
        for c in cases {
            let inName = try XCTUnwrap(c["input"] as? String), outName = try XCTUnwrap(c["expected"] as? String)
            let k = try XCTUnwrap(c["size"] as? Int)
            if inName.contains("_u8_") {
                let x = try OpsFixtures.bytes(inName), e = try OpsFixtures.bytes(outName)
                XCTAssertEqual(x.shape.count, 2); XCTAssertEqual(e.shape, x.shape)
                let out = try medianFilter(x.values, height: x.shape[0], width: x.shape[1], size: k)
                XCTAssertEqual(byteDiff(out, e.values).count, 0, "\(inName) k=\(k)")
            } else {
                let x = try OpsFixtures.floats(inName), e = try OpsFixtures.floats(outName)
                XCTAssertEqual(x.shape.count, 2); XCTAssertEqual(e.shape, x.shape)
                let out = try medianFilter(x.values, height: x.shape[0], width: x.shape[1], size: k)
                let mismatches = zip(out, e.values).filter { $0.0.bitPattern != $0.1.bitPattern }.count
                XCTAssertEqual(mismatches, 0, "\(inName) k=\(k)")
            }
        }
    }

    func testRejectsBadInput() {
        XCTAssertThrowsError(try medianFilter([Float](repeating: 0, count: 5), height: 2, width: 3, size: 3))
        XCTAssertThrowsError(try medianFilter([Float](repeating: 0, count: 6), height: 2, width: 3, size: 0))
    }
}
