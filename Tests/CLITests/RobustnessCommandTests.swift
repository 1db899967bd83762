import CNNSpotTestSupport
import CNNSpot
import Foundation
import XCTest

/// Copies the first `n` reals and fakes of minisynths `test/<family>` into `root/<name>`.
func copyMiniSet(_ family: String, to root: URL, name: String, count n: Int) throws {
    try MiniSynths.copyTestSet(family, into: root, name: name, count: n)
}

/// `cnnspot robustness` with a synthetic ResNet-18 on two 3+3-image sets: the files, and
/// metrics that equal Metrics recomputed from the per-image scores it wrote.
final class RobustnessCommandTests: XCTestCase {
    func testSweepWritesConsistentTablesPlotsAndManifest() throws {
        let dir = try CLI.temporaryDirectory("robustness")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try CLI.syntheticModel(in: dir)
        let root = dir.appendingPathComponent("test")
        try copyMiniSet("cyclegan", to: root, name: "cyclegan", count: 3)
        try copyMiniSet("srvgg", to: root, name: "srvgg", count: 3)
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run([
            "robustness", root.path, "-m", model, "-o", out.path, "--blur", "0,2", "--jpeg", "60",
            "--resize", "1,0.5", "--crop", "64", "--batch-size", "4"
        ])
        XCTAssertEqual(r.code, 0, r.stderr + r.stdout)
        XCTAssertTrue(r.stdout.contains("mean AP"), r.stdout)

        // robustness.csv: 4 levels x (2 sets + mean), in sweep order.
        let rows = CLI.csv(try String(contentsOf: out.appendingPathComponent("robustness.csv"), encoding: .utf8))
        XCTAssertEqual(rows.first, ["perturbation", "level", "set", "ap", "accuracy", "real_acc", "fake_acc", "auc", "n", "failed"])
        let body = Array(rows.dropFirst())
        let levels = ["blur 0", "blur 2", "jpeg 60", "resize 1", "resize 0.5"]
        XCTAssertEqual(
            body.map { "\($0[0]) \($0[1]) \($0[2])" },
            levels.flatMap { l in ["cyclegan", "srvgg", "mean"].map { "\(l) \($0)" } })

        // scores.csv: every image at every level; the metrics recomputed from it.
        let scores = CLI.csv(try String(contentsOf: out.appendingPathComponent("scores.csv"), encoding: .utf8))
        XCTAssertEqual(scores.first, ["perturbation", "level", "set", "path", "label", "probability", "logit", "error"])
        XCTAssertEqual(scores.count, 1 + 5 * 12)
        var worst = 0.0
        for row in body {
            let ok = { (s: [String]) in s[0] == row[0] && s[1] == row[1] && (row[2] == "mean" || s[2] == row[2]) }
            let mine = scores.dropFirst().filter(ok)
            XCTAssertEqual(mine.count, row[2] == "mean" ? 12 : 6)
            XCTAssertEqual(Int(row[8]), mine.count); XCTAssertEqual(row[9], "0")
            guard row[2] != "mean" else { continue }
            let data = try LabeledScores(scores: mine.map { Double($0[5])! }, labels: mine.map { Int($0[4])! })
            XCTAssertEqual(data.realCount, 3)
            let c = Metrics.counts(data, threshold: 0.5)
            let expected = [try Metrics.averagePrecision(data), c.accuracy, c.realAccuracy!, c.fakeAccuracy!, try Metrics.rocAUC(data)]
            let got = row[3...7].map { Double($0)! }
            worst = max(worst, zip(expected, got).map { abs($0 - $1) }.max()!)
        }
        print("robustness CLI: worst |csv metric - recomputed| = \(worst)")
        XCTAssertEqual(worst, 0, "CSV metrics must be the metrics of scores.csv")
        for level in stride(from: 0, to: body.count, by: 3) {
            let ap = body[level..<level + 2].map { Double($0[3])! }
            XCTAssertEqual(Double(body[level + 2][3])!, (ap[0] + ap[1]) / 2, accuracy: 1e-15, "mean row")
        }
        // Clean (blur 0, resize 1) rows equal each other; blur 2 changes scores.
        let blur0 = scores.filter { $0[0] == "blur" && $0[1] == "0" }.map { $0[5] }
        XCTAssertEqual(blur0, scores.filter { $0[0] == "resize" && $0[1] == "1" }.map { $0[5] })
        XCTAssertNotEqual(blur0, scores.filter { $0[0] == "blur" && $0[1] == "2" }.map { $0[5] })

        for name in ["blur_ap", "blur_acc", "jpeg_ap", "jpeg_acc", "resize_ap", "resize_acc"] {
            let png = try ImageDecoder.decode(path: out.appendingPathComponent("\(name).png").path)
            XCTAssertEqual(png.format, .png, name)
            XCTAssertGreaterThan(png.image.width, 200, name)
        }
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("robustness.json"))) as? [String: Any])
        XCTAssertEqual((json["rows"] as? [Any])?.count, 15)
        let manifest = try JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: out.appendingPathComponent("manifest.json")))
        XCTAssertEqual(manifest.model?.sha256, try RunManifest.fileSHA256(model))
        XCTAssertEqual(manifest.model?.architecture, "resnet18")
        XCTAssertEqual(manifest.datasets.map(\.name), ["cyclegan", "srvgg"])
        XCTAssertEqual(manifest.datasets.map(\.files), [6, 6])
        XCTAssertEqual(manifest.settings["crop"], "64")
        XCTAssertEqual(manifest.settings["jpeg"], "60")
        XCTAssertTrue(manifest.commandLine.contains("robustness"))
    }

    func testUsageErrors() throws {
        let dir = try CLI.temporaryDirectory("robustness-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (args, needle) in [
            (["--jpeg", "101"], "1...100"), (["--blur", "x"], "'x' is not a number"),
            (["--resize", "0"], "resize factor"), (["--crop", "big"], "--crop")
        ] {
            let r = try CLI.run(["robustness", dir.path, "-m", "m.safetensors", "-o", dir.path] + args)
            XCTAssertEqual(r.code, 64, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(needle), "\(args): \(r.stderr)")
        }
        let missing = try CLI.run(["robustness", dir.appendingPathComponent("nope").path, "-m", "m.safetensors", "-o", dir.path])
        XCTAssertNotEqual(missing.code, 0)
        XCTAssertTrue(missing.stderr.contains("nope"), missing.stderr)
    }
}
