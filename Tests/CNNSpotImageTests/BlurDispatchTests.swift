import CNNSpotImage
import Foundation
import XCTest

/// The blur's run-time CPU dispatch (`SIMDPath`): each path, forced with `CNNSPOT_SIMD`, gives
/// the same bytes as the baseline path, and each matches SciPy's fixtures byte for byte.
final class BlurDispatchTests: XCTestCase {
    override func tearDown() {
        unsetenv("CNNSPOT_SIMD")
        super.tearDown()
    }

    /// The paths this CPU can run, each confirmed to be the one taken when forced.
    func availablePaths() throws -> [SIMDPath] {
        unsetenv("CNNSPOT_SIMD")
        let top = SIMDPath.current
        let paths = SIMDPath.allCases.filter { $0.rank <= top.rank }
        for p in paths {
            setenv("CNNSPOT_SIMD", p.rawValue, 1)
            XCTAssertEqual(SIMDPath.current, p, "CNNSPOT_SIMD=\(p.rawValue) did not force the path")
        }
        unsetenv("CNNSPOT_SIMD")
        print("blur dispatch: this CPU runs \(paths.map(\.rawValue))")
        if paths.count < 2 { throw XCTSkip("only the baseline path on this CPU: nothing to compare it with") }
        return paths
    }

    func testEveryPathGivesTheBaselineBytes() throws {
        let paths = try availablePaths()
        var rng = SystemRandomNumberGenerator()
        var seed = UInt64.random(in: 0...UInt64.max, using: &rng)
        func next() -> UInt8 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return UInt8(truncatingIfNeeded: seed >> 33) }
        // Odd sizes: vector tails, one column, the column pass's 384-value strips (129 px = 387).
        let sizes = [(1, 1), (7, 5), (129, 3), (256, 256), (31, 200), (1, 40), (300, 17)]
        var compared = 0
        for (w, h) in sizes {
            let image = RGBImage(width: w, height: h, pixels: (0..<(w * h * 3)).map { _ in next() })
            for sigma in [0.2, 0.7, 1.0, 1.5, 2.3, 3.0, 5.5] {
                setenv("CNNSPOT_SIMD", "baseline", 1)
                let base = try gaussianBlur(image, sigma: sigma)
                for p in paths.dropFirst() {
                    setenv("CNNSPOT_SIMD", p.rawValue, 1)
                    let out = try gaussianBlur(image, sigma: sigma)
                    XCTAssertEqual(out.pixels, base.pixels, "\(w)x\(h) sigma \(sigma): \(p.rawValue) differs from baseline")
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, sizes.count * 7 * (paths.count - 1))
    }

    func testEveryPathMatchesSciPy() throws {
        let paths = try availablePaths()
        let cases = try OpsFixtures.manifest("blur")
        XCTAssertEqual(cases.count, 72)
        for p in paths {
            setenv("CNNSPOT_SIMD", p.rawValue, 1)
            for c in cases {
                let input = try OpsFixtures.image(try XCTUnwrap(c["input"] as? String))
                let sigma = try XCTUnwrap(Double(try XCTUnwrap(c["sigma"] as? String)))
                let out = try gaussianBlur(input, sigma: sigma)
                if let hash = c["sha256"] as? String {
                    XCTAssertEqual(sha256Hex(out.pixels), hash, "\(p.rawValue): \(c["input"]!) sigma \(sigma): sha256 differs")
                } else {
                    let expected = try OpsFixtures.bytes(try XCTUnwrap(c["expected"] as? String))
                    let d = byteDiff(out.pixels, expected.values)
                    XCTAssertEqual(d.count, 0, "\(p.rawValue): \(c["input"]!) sigma \(sigma): \(d.count) bytes differ")
                }
            }
        }
    }
}

private extension SIMDPath {
    var rank: Int { SIMDPath.allCases.firstIndex(of: self)! }
}
