import CNNSpotTestSupport
import Foundation
import XCTest
@testable import CNNSpotImage

/// GIF (first frame) and animated WebP (first frame) against Pillow 13's
/// `Image.open(p).convert('RGB')`, byte for byte (Fixtures/formats, written by
/// scripts/fixtures/make_format_fixtures.py). Issue 13 row 13: on 3274969 these were refused.
final class FormatDecodeTests: XCTestCase {
    static let dir = Repository.fixtures("formats")

    func testEveryFixtureMatchesPillowExactly() throws {
        let data = try Data(contentsOf: Self.dir.appendingPathComponent("manifest.json"))
        let cases = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 13)
        for c in cases {
            let name = c["name"] as! String
            let decoded = try ImageDecoder.decode(path: Self.dir.appendingPathComponent(name).path)
            XCTAssertEqual(decoded.image.width, c["width"] as? Int, name)
            XCTAssertEqual(decoded.image.height, c["height"] as? Int, name)
            guard decoded.image.width == c["width"] as? Int, decoded.image.height == c["height"] as? Int else { continue }
            let expected = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent(name + ".rgb")))
            let diffs = zip(decoded.image.pixels, expected).filter { $0 != $1 }.count
            let worst = zip(decoded.image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
            print("\(name): \(diffs) differing bytes, worst \(worst) (\(c["note"] ?? ""))")
            XCTAssertEqual(diffs, 0, name)
            XCTAssertEqual(decoded.format, name.hasSuffix(".gif") ? .gif : .webp)
        }
    }

    func testTruncatedAndForgedGIFsFailClearly() throws {
        let good = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent("palette.gif")))
        for cut in [6, 13, 40, good.count / 2, good.count - 3] {
            XCTAssertThrowsError(try ImageDecoder.decode(data: Array(good.prefix(cut)), name: "cut.gif")) { e in
                XCTAssertTrue("\(e)".hasPrefix("cut.gif: "), "\(e)")
            }
        }
        // A screen of 65535 x 65535 (4.3 G pixels) is refused from the header, before allocating.
        var bomb = good
        bomb[6] = 0xFF; bomb[7] = 0xFF; bomb[8] = 0xFF; bomb[9] = 0xFF
        XCTAssertThrowsError(try ImageDecoder.decode(data: bomb, name: "bomb.gif")) { e in
            guard case .tooManyPixels = (e as? ImageError)?.reason else { return XCTFail("\(e)") }
        }
    }
}
