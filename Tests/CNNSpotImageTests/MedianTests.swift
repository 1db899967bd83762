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

/// The size-3 network against plain selection on data with many ties (property check: both
/// must pick the 5th smallest of every window).
final class Median3x3NetworkTests: XCTestCase {
    func testNetworkEqualsSelection() throws {
        var r = SeededRandom(seed: 77)
        for (h, w) in [(1, 1), (2, 2), (3, 5), (31, 17), (64, 64)] {
            let bytes = (0..<(h * w)).map { _ in UInt8(r.integer(in: 0...6)) }
            let floats = (0..<(h * w)).map { _ in Float(r.uniform()) }
            // size 3 dispatches to the network; compare with a 3x3 window picked by selection
            // through the even/odd-independent generic path (size 3 computed via the 5x5 code
            // is not comparable, so rebuild the windows here).
            func reference<T: Comparable>(_ x: [T]) -> [T] {
                func refl(_ i: Int, _ n: Int) -> Int { n == 1 ? 0 : (i < 0 ? -i - 1 : (i >= n ? 2 * n - 1 - i : i)) }
                var out = x
                for i in 0..<h {
                    for j in 0..<w {
                        var win: [T] = []
                        for di in -1...1 { for dj in -1...1 { win.append(x[refl(i + di, h) * w + refl(j + dj, w)]) } }
                        out[i * w + j] = win.sorted()[4]
                    }
                }
                return out
            }
            XCTAssertEqual(try medianFilter(bytes, height: h, width: w, size: 3), reference(bytes), "\(h)x\(w)")
            XCTAssertEqual(try medianFilter(floats, height: h, width: w, size: 3), reference(floats), "\(h)x\(w)")
        }
    }
}
