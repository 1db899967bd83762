import CNNSpot
import Foundation
import XCTest

/// `cnnspot eval` on a small ForenSynths-layout tree built from minisynths: the files it
/// writes, and metrics that equal the (scikit-learn-verified) metrics of its own per-image scores.
final class EvalCommandTests: XCTestCase {
    /// test/{cyclegan,srvgg}/{0_real,1_fake} with 4 images each, one fake stored as JPEG
    /// (so the format breakdown has two formats) and one corrupt file.
    private func makeTree(_ dir: URL) throws -> URL {
        let fm = FileManager.default
        let root = dir.appendingPathComponent("test")
        for set in ["cyclegan", "srvgg"] { try copyMiniSet(set, to: root, name: set, count: 4) }
        let fakes = root.appendingPathComponent("srvgg/1_fake")
        let first = try fm.contentsOfDirectory(atPath: fakes.path).sorted()[0]
        let image = try ImageDecoder.decode(path: fakes.appendingPathComponent(first).path).image
        try fm.removeItem(at: fakes.appendingPathComponent(first))
        try Data(try ImageEncoder.jpeg(image, quality: 95)).write(to: fakes.appendingPathComponent("as_jpeg.jpg"))
        try Data("not an image".utf8).write(to: root.appendingPathComponent("cyclegan/0_real/zz_corrupt.png"))
        return root
    }

    func testWritesResultsWhoseMetricsMatchItsScores() throws {
        let dir = try CLI.temporaryDirectory("eval")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try CLI.syntheticModel(in: dir)
        let root = try makeTree(dir)
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["eval", root.path, "-m", model, "--crop", "224", "--crop", "none", "-o", out.path])
        // The tree holds one corrupt file: results are written, and the exit status says an image failed.
        XCTAssertEqual(r.code, 1, r.stderr + r.stdout)
        XCTAssertTrue(r.stdout.contains("cyclegan") && r.stdout.contains("srvgg") && r.stdout.contains("mean"), r.stdout)
        XCTAssertTrue(r.stdout.contains("could not be scored"), "the corrupt file is reported\n\(r.stdout)")

        let results = CLI.csv(try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8))
        XCTAssertEqual(Array(results[0].prefix(3)), ["testset", "accuracy", "avg precision"], "the reference's columns first")
        XCTAssertEqual(results.map { $0[0] }, ["testset", "cyclegan", "srvgg", "mean", "cyclegan", "srvgg", "mean"])
        let scores = CLI.csv(try String(contentsOf: out.appendingPathComponent("scores.csv"), encoding: .utf8))
        XCTAssertEqual(scores.count, 1 + 2 * (9 + 8), "per preprocessing: 4+4 images (+1 corrupt) per set")
        let head = scores[0]
        func col(_ name: String) -> Int { head.firstIndex(of: name)! }

        // Recompute each set's metrics from the per-image scores.
        for row in results.dropFirst() where row[0] != "mean" {
            let pre = row[EvalReport.csvColumns.firstIndex(of: "preprocessing")!]
            let mine = scores.dropFirst().filter { $0[col("set")] == row[0] && $0[col("preprocessing")] == pre }
            XCTAssertEqual(mine.count, row[0] == "cyclegan" ? 9 : 8)
            let ok = mine.filter { !$0[col("probability")].isEmpty }
            XCTAssertEqual(ok.count, 8)
            let data = try LabeledScores(scores: ok.map { Double($0[col("probability")])! }, labels: ok.map { Int($0[col("label")])! })
            XCTAssertEqual(Double(row[2])!, try Metrics.averagePrecision(data), accuracy: 1e-12)
            XCTAssertEqual(Double(row[1])!, Metrics.counts(data, threshold: 0.5).accuracy, accuracy: 1e-12)
            XCTAssertEqual(Double(row[5])!, try Metrics.rocAUC(data), accuracy: 1e-12)
            XCTAssertEqual(row[13], row[0] == "cyclegan" ? "1" : "0", "failed count")
        }
        // The JPEG fake shows up in the format breakdown.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as! [String: Any]
        let sets = json["sets"] as! [[String: Any]]
        let srvgg = sets.first { $0["set"] as? String == "srvgg" }!
        let formats = (srvgg["formats"] as! [[String: Any]]).map { $0["format"] as! String }
        XCTAssertEqual(formats, ["jpeg", "png"])
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as! [String: Any]
        XCTAssertEqual((manifest["model"] as! [String: Any])["sha256"] as? String, try RunManifest.fileSHA256(model))
        XCTAssertEqual((manifest["datasets"] as! [[String: Any]]).map { $0["files"] as! Int }, [9, 8])
    }

    func testFormatBiasIsFlagged() throws {
        // Reals all JPEG, fakes all PNG.
        let dir = try CLI.temporaryDirectory("eval-bias")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try CLI.syntheticModel(in: dir)
        let set = dir.appendingPathComponent("biased")
        let fm = FileManager.default
        try copyMiniSet("cyclegan", to: dir, name: "biased", count: 3)
        let reals = set.appendingPathComponent("0_real")
        for n in try fm.contentsOfDirectory(atPath: reals.path) {
            let png = reals.appendingPathComponent(n)
            let im = try ImageDecoder.decode(path: png.path).image
            try Data(try ImageEncoder.jpeg(im, quality: 90)).write(to: reals.appendingPathComponent(n + ".jpg"))
            try fm.removeItem(at: png)
        }
        let r = try CLI.run(["eval", set.path, "-m", model, "-o", dir.appendingPathComponent("out").path])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("FORMAT BIAS"), r.stdout)
    }
}
