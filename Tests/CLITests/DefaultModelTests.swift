import CNNSpot
import Foundation
import XCTest

/// The shipped default model (models/default.safetensors): it loads, `detect` and `eval` use it
/// without -m (found from the binary's place), it reaches on MiniSynths v1 test and MiniSynths2
/// test the APs its model card and metadata state (so a broken loader or preprocessing fails
/// this), and its metadata holds the decision rule and the recipe.
final class DefaultModelTests: XCTestCase {
    static let model = CLI.root.appendingPathComponent("models/default.safetensors")

    func metadata() throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: Self.model.path) else {
            XCTFail("no shipped model at \(Self.model.path)")
            throw CocoaError(.fileNoSuchFile)
        }
        return try Checkpoint.load(path: Self.model.path).metadata
    }

    func testMetadataSizeAndLicence() throws {
        let meta = try metadata()
        for key in ["architecture", "threshold", "uncertain_low", "uncertain_high", "recipe", "data",
                    "training_command", "results", "results_table", "calibration"] {
            XCTAssertNotNil(meta[key], "metadata \(key)")
        }
        let rule = try Verdict.Rule(metadata: meta)
        XCTAssertNotNil(rule.band)
        XCTAssertTrue(rule.band!.contains(rule.threshold))
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: Self.model.path)[.size] as? Int)
        XCTAssertLessThanOrEqual(size, 50 << 20)
        XCTAssertTrue(FileManager.default.fileExists(atPath: CLI.root.appendingPathComponent("models/LICENSE-default-model.md").path))
    }

    /// `eval` without -m, full images as the files are: every family's AP at least the stored one
    /// minus 0.005 (another CPU's kernels may move the last digits of a logit, not an AP).
    func testReachesTheStatedAPs() throws {
        let results = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(try metadata()["results"]).utf8)) as? [String: Any])
        let dir = try CLI.temporaryDirectory("default-model-eval")
        defer { try? FileManager.default.removeItem(at: dir) }
        var checked = 0
        for corpus in ["minisynths", "minisynths2"] {
            let out = dir.appendingPathComponent(corpus)
            let r = try CLI.run(["eval", CLI.shared.appendingPathComponent("\(corpus)/test").path, "-o", out.path])
            XCTAssertEqual(r.code, 0, r.stderr)
            let rows = CLI.csv(try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8))
            let head = try XCTUnwrap(rows.first)
            let (si, ai) = (try XCTUnwrap(head.firstIndex(of: "testset")), try XCTUnwrap(head.firstIndex(of: "avg precision")))
            for row in rows.dropFirst() where row[si] != "mean" {
                let stated = try XCTUnwrap(((results["\(corpus)/\(row[si])"] as? [String: Any])?["files"] as? [String: Any])?["ap"] as? Double,
                                           "\(corpus)/\(row[si]) in the metadata's results")
                let ap = try XCTUnwrap(Double(row[ai]))
                XCTAssertGreaterThanOrEqual(ap, stated - 0.005, "\(corpus)/\(row[si]): AP \(ap), card says \(stated)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 9, "3 MiniSynths v1 and 6 MiniSynths2 families")
    }

    /// detect without -m is detect -m models/default.safetensors, and its verdicts follow the
    /// stored threshold and band.
    func testDetectUsesItWithoutM() throws {
        let meta = try metadata()
        let rule = try Verdict.Rule(metadata: meta)
        let examples = CLI.root.appendingPathComponent("examples").path
        let implicit = try CLI.run(["detect", examples, "--format", "csv"])
        XCTAssertEqual(implicit.code, 0, implicit.stderr)
        let explicit = try CLI.run(["detect", examples, "-m", Self.model.path, "--format", "csv"])
        XCTAssertEqual(CLI.csv(implicit.stdout), CLI.csv(explicit.stdout))
        let rows = CLI.csv(implicit.stdout)
        XCTAssertEqual(rows.count, 3)
        let vi = try XCTUnwrap(rows[0].firstIndex(of: "verdict"))
        for row in rows.dropFirst() {
            let p = try XCTUnwrap(Double(row[1]))
            XCTAssertEqual(row[vi], rule.verdict(p).rawValue, row[0])
        }
    }
}
