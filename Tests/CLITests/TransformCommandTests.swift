import CNNSpotTestSupport
import CNNSpot
import Foundation
import XCTest

/// Runs the built `cnnspot transform` and checks its PNGs against the reference pipeline's
/// output (Fixtures/ops/manifest.json, case val_300_bicubic: resize 300 bicubic, blur 1.5,
/// JPEG 65 pil, center crop 224, computed with torchvision/SciPy/Pillow) and its exit codes.
final class TransformCommandTests: XCTestCase {
    static let root = Repository.root

    /// The built tool (a missing build fails the test rather than skipping it).
    func binary() throws -> URL { try CLI.binary() }

    func run(_ args: [String]) throws -> (code: Int32, stderr: String) {
        let p = Process()
        p.executableURL = try binary()
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testMatchesReferencePipelineAndFlips() throws {
        let manifest =
            try JSONSerialization.jsonObject(
                with: Data(
                    contentsOf: TransformCommandTests.root
                        .appendingPathComponent("Fixtures/ops/manifest.json"))) as? [String: Any]
        let cases = try XCTUnwrap(manifest?["pipeline"] as? [[String: Any]])
        let ref = try XCTUnwrap(cases.first { $0["file"] as? String == "examples/real.png" && $0["pipeline"] as? String == "val_300_bicubic" })
        let input = TransformCommandTests.root.appendingPathComponent("../shared/data/examples/real.png").path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cnnspot-transform-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let common = [
            input, "-o", out.path, "--resize", "300", "--interp", "bicubic", "--blur", "1.5",
            "--jpeg", "65", "--jpeg-method", "pil", "--crop", "224"
        ]
        let r = try run(["transform"] + common)
        XCTAssertEqual(r.code, 0, r.stderr)
        let img = try ImageDecoder.decode(path: out.appendingPathComponent("real.png").path).image
        XCTAssertEqual(img.width, 224); XCTAssertEqual(img.height, 224)
        XCTAssertEqual(SHA256.hex(img.pixels), ref["uint8_sha256"] as? String)
        let f = try run(["transform"] + common + ["--flip"])
        XCTAssertEqual(f.code, 0, f.stderr)
        let flipped = try ImageDecoder.decode(path: out.appendingPathComponent("real.png").path).image
        XCTAssertEqual(flipped, horizontalFlip(img))
    }

    func testBadInputsFailWithMessages() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cnnspot-transform-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let missing = try run(["transform", "/nonexistent/x.png", "-o", out.path])
        XCTAssertEqual(missing.code, 1)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/x.png"), missing.stderr)
        let badInterp = try run(["transform", "x.png", "-o", out.path, "--interp", "cubic"])
        XCTAssertNotEqual(badInterp.code, 0)
        XCTAssertTrue(badInterp.stderr.contains("--interp"), badInterp.stderr)
        let badQ = try run(["transform", "x.png", "-o", out.path, "--jpeg", "0"])
        XCTAssertNotEqual(badQ.code, 0)
    }
}
