import CNNSpotImage
import XCTest

/// Resize against torchvision 0.29.2 `TF.resize(pil, N)` and Pillow 13.0.0 `Image.resize`
/// (Fixtures/ops). Goal: identical bytes; the test reports the worst difference and the share
/// of differing bytes, and fails on any difference.
final class ResizeTests: XCTestCase {
    func testMatchesPillowAndTorchvision() throws {
        let cases = try OpsFixtures.manifest("resize")
        XCTAssertEqual(cases.count, 108)
        var stats: [String: (worst: Int, diff: Int, total: Int)] = [:]
        for c in cases {
            let input = try OpsFixtures.image(try XCTUnwrap(c["input"] as? String))
            let interpName = try XCTUnwrap(c["interp"] as? String)
            let interp = try XCTUnwrap(Interpolation(rawValue: interpName))
            let out: RGBImage
            if let n = c["shorter"] as? Int {
                out = try resizeShorterSide(input, to: n, interpolation: interp)
            } else {
                out = try resize(
                    input, width: try XCTUnwrap(c["width"] as? Int),
                    height: try XCTUnwrap(c["height"] as? Int), interpolation: interp)
            }
            let label = "\(c["input"]!) \(interpName) -> \(c["shorter"] ?? "\(c["width"]!)x\(c["height"]!)")"
            XCTAssertEqual(out.height, c["out_h"] as? Int, label)
            XCTAssertEqual(out.width, c["out_w"] as? Int, label)
            if let hash = c["sha256"] as? String {
                XCTAssertEqual(sha256Hex(out.pixels), hash, "\(label): sha256 differs")
                continue
            }
            let expected = try OpsFixtures.bytes(try XCTUnwrap(c["expected"] as? String))
            XCTAssertEqual(expected.shape, [out.height, out.width, 3], label)
            let d = byteDiff(out.pixels, expected.values)
            var s = stats[interpName] ?? (0, 0, 0)
            s.worst = max(s.worst, d.maxDiff); s.diff += d.count; s.total += expected.values.count
            stats[interpName] = s
            XCTAssertEqual(d.count, 0, "\(label): \(d.count) bytes differ, max \(d.maxDiff)")
        }
        for (k, s) in stats.sorted(by: { $0.key < $1.key }) {
            print("resize \(k): max |diff| \(s.worst), differing \(s.diff)/\(s.total)")
        }
    }

    func testTorchvisionSizeRule() {
        XCTAssertTrue(torchvisionResizedSize(width: 64, height: 48, shorter: 20) == (26, 20))
        XCTAssertTrue(torchvisionResizedSize(width: 53, height: 37, shorter: 5) == (7, 5))
        XCTAssertTrue(torchvisionResizedSize(width: 37, height: 53, shorter: 256) == (256, 366))
        XCTAssertTrue(torchvisionResizedSize(width: 10, height: 10, shorter: 3) == (3, 3))
    }

    func testSameSizeIsIdentity() throws {
        let img = try OpsFixtures.image("in_real_48x64.npy")
        for i in Interpolation.allCases {
            XCTAssertEqual(try resizeShorterSide(img, to: 48, interpolation: i), img)
        }
    }

    func testRejectsBadSizes() {
        let img = RGBImage(width: 4, height: 4)
        XCTAssertThrowsError(try resize(img, width: 0, height: 3, interpolation: .bilinear))
        XCTAssertThrowsError(try resize(img, width: 3, height: 1_000_000, interpolation: .bilinear))
        XCTAssertThrowsError(try resizeShorterSide(RGBImage(width: 0, height: 0), to: 3, interpolation: .nearest))
    }
}
