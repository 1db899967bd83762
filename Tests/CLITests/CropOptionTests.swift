import CNNSpot
import Foundation
import XCTest

/// One rule for `--crop` in every command that takes it (detect, eval, robustness):
/// `TestTimePreprocessing.cropSides` or `none`, the same usage error (exit 64) otherwise.
final class CropOptionTests: XCTestCase {
    func testLibraryRule() throws {
        XCTAssertEqual(try TestTimePreprocessing(cropArgument: "none").crop, nil)
        XCTAssertEqual(try TestTimePreprocessing(cropArgument: "NONE").crop, nil)
        XCTAssertEqual(try TestTimePreprocessing(cropArgument: "224").crop, 224)
        XCTAssertEqual(try TestTimePreprocessing(cropArgument: "32").crop, 32)
        XCTAssertEqual(try TestTimePreprocessing(cropArgument: "16384").crop, 16384)
        for bad in ["31", "16385", "0", "-224", "2x2", "", "224.0"] {
            XCTAssertThrowsError(try TestTimePreprocessing(cropArgument: bad), bad) { error in
                XCTAssertEqual("\(error)", "--crop takes a side within 32...16384 or 'none', not '\(bad)'")
            }
        }
    }

    func testEveryCommandRefusesTheSameWay() throws {
        let examples = CLI.root.appendingPathComponent("examples").path
        let out = try CLI.temporaryDirectory("crop-option")
        defer { try? FileManager.default.removeItem(at: out) }
        for bad in ["31", "16385"] {
            for args in [
                ["detect", examples, "--crop", bad],
                ["eval", examples, "--crop", bad, "-o", out.path],
                ["robustness", examples, "--crop", bad, "-o", out.path]
            ] {
                let r = try CLI.run(args)
                XCTAssertEqual(r.code, 64, "\(args): \(r.stderr)")
                XCTAssertTrue(r.stderr.contains("--crop takes a side within 32...16384 or 'none', not '\(bad)'"), "\(args): \(r.stderr)")
            }
        }
    }
}
