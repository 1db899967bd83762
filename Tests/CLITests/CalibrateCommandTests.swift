import CNNSpot
import Foundation
import XCTest

/// `cnnspot calibrate` with a synthetic ResNet-18: the stored threshold is the one Metrics picks
/// from the scores `cnnspot detect` gives the same images, and `detect` then uses it.
final class CalibrateCommandTests: XCTestCase {
    /// Probabilities and labels (from the folder name) of `cnnspot detect --format csv`
    /// (CSV, parsed with `Double(_:)`: Foundation's JSON parser on Linux is off by an ulp at times).
    private func detect(_ folder: String, model: String, dir: URL) throws -> [(p: Double, label: Int, fake: Bool)] {
        let out = dir.appendingPathComponent("scores-\(UUID().uuidString).csv")
        let r = try CLI.run(["detect", folder, "-m", model, "--crop", "64", "--format", "csv", "-o", out.path])
        XCTAssertEqual(r.code, 0, r.stderr)
        let rows = CLI.csv(try String(contentsOf: out, encoding: .utf8))
        XCTAssertEqual(rows.first, RecordWriter.columns)
        return try rows.dropFirst().map { row in
            (try XCTUnwrap(Double(row[1])), row[0].contains("/1_fake/") ? 1 : 0, row[3] == "fake")
        }
    }

    func testThresholdIsFittedOnDetectScoresAndUsedAfterwards() throws {
        let dir = try CLI.temporaryDirectory("calibrate")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try CLI.syntheticModel(in: dir)
        let set = dir.appendingPathComponent("cal")
        try copyMiniSet("cyclegan", to: dir, name: "cal", count: 5)
        let before = try detect(set.path, model: model, dir: dir)
        XCTAssertEqual(before.count, 10)
        let data = try LabeledScores(scores: before.map(\.p), labels: before.map(\.label))

        for (target, expected) in [
            ("best-balanced", try Metrics.bestBalancedAccuracy(data)),
            ("fpr:0.2", try Metrics.operatingPoint(data, maxFalsePositiveRate: 0.2))
        ] {
            let out = dir.appendingPathComponent("cal-\(target.replacingOccurrences(of: ":", with: "_")).safetensors")
            let r = try CLI.run(["calibrate", set.path, "-m", model, "-o", out.path, "--crop", "64", "--target", target])
            XCTAssertEqual(r.code, 0, r.stderr + r.stdout)
            XCTAssertTrue(r.stdout.contains("before threshold 0.5") && r.stdout.contains("after "), r.stdout)
            let stored = try XCTUnwrap(Double(try XCTUnwrap(Checkpoint.load(path: out.path).metadata["threshold"])))
            if expected.threshold > 0 && expected.threshold < 1 {
                XCTAssertEqual(stored, expected.threshold, target)
            } else {
                XCTAssertTrue(stored > 0 && stored < 1, "\(target): \(stored)")
                XCTAssertTrue(r.stderr.contains("outside (0, 1)"), r.stderr)
            }
            // detect with the calibrated model labels by p > stored threshold.
            let after = try detect(set.path, model: out.path, dir: dir)
            XCTAssertEqual(after.map(\.p), before.map(\.p), "same weights, same scores")
            XCTAssertEqual(after.map(\.fake), after.map { $0.p > stored }, target)
            let fpr = Double(after.filter { $0.label == 0 && $0.fake }.count) / Double(data.realCount)
            if target == "fpr:0.2" { XCTAssertLessThanOrEqual(fpr, 0.2) }
            print("calibrate CLI \(target): threshold \(stored), FPR \(fpr)")
        }
    }

    /// `--uncertain RATE` stores a band holding the threshold whose ends keep the error rates,
    /// and `detect`'s verdict column follows the stored threshold and band (and `--threshold`
    /// drops the band).
    func testUncertainBandIsStoredAndDrivesTheVerdictColumn() throws {
        let dir = try CLI.temporaryDirectory("calibrate-band")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try CLI.syntheticModel(in: dir)
        let set = dir.appendingPathComponent("cal")
        try copyMiniSet("cyclegan", to: dir, name: "cal", count: 10)
        let out = dir.appendingPathComponent("band.safetensors")
        let r = try CLI.run([
            "calibrate", set.path, "-m", model, "-o", out.path, "--crop", "64",
            "--target", "best-balanced", "--uncertain", "0.2"
        ])
        XCTAssertEqual(r.code, 0, r.stderr + r.stdout)
        XCTAssertTrue(r.stdout.contains("uncertain band"), r.stdout)
        let meta = try Checkpoint.load(path: out.path).metadata
        let t = try XCTUnwrap(Double(try XCTUnwrap(meta["threshold"])))
        let low = try XCTUnwrap(Double(try XCTUnwrap(meta["uncertain_low"])))
        let high = try XCTUnwrap(Double(try XCTUnwrap(meta["uncertain_high"])))
        XCTAssertTrue(low <= t && t <= high, "\(low) \(t) \(high)")

        let scores = try detect(set.path, model: out.path, dir: dir)
        let reals = scores.filter { $0.label == 0 }, fakes = scores.filter { $0.label == 1 }
        XCTAssertLessThanOrEqual(Double(reals.filter { $0.p > high }.count), 0.2 * Double(reals.count), "FPR above the band")
        XCTAssertLessThanOrEqual(Double(fakes.filter { $0.p <= low }.count), 0.2 * Double(fakes.count), "missed fakes below the band")

        let csvOut = dir.appendingPathComponent("verdicts.csv")
        let d = try CLI.run(["detect", set.path, "-m", out.path, "--crop", "64", "--format", "csv", "-o", csvOut.path])
        XCTAssertEqual(d.code, 0, d.stderr)
        let rows = CLI.csv(try String(contentsOf: csvOut, encoding: .utf8))
        let vi = try XCTUnwrap(rows.first?.firstIndex(of: "verdict"))
        for row in rows.dropFirst() {
            let p = try XCTUnwrap(Double(row[1]))
            XCTAssertEqual(row[vi], p > high ? "fake" : p <= low ? "real" : "uncertain", row[0])
            XCTAssertEqual(row[3], p > t ? "fake" : "real", "label stays two-way at the threshold")
        }
        let plain = CLI.csv(
            try CLI.run([
                "detect", set.path, "-m", out.path, "--crop", "64", "--format", "csv",
                "--threshold", "0.5"
            ]).stdout)
        for row in plain.dropFirst() {
            XCTAssertEqual(row[vi], Double(row[1])! > 0.5 ? "fake" : "real", "--threshold: two-way verdict")
        }
        // Calibrating again without --uncertain removes the old band.
        let again = dir.appendingPathComponent("noband.safetensors")
        XCTAssertEqual(try CLI.run(["calibrate", set.path, "-m", out.path, "-o", again.path, "--crop", "64"]).code, 0)
        XCTAssertNil(try Checkpoint.load(path: again.path).metadata["uncertain_low"])
    }

    func testUsageErrors() throws {
        let dir = try CLI.temporaryDirectory("calibrate-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = try CLI.run(["calibrate", dir.path, "-m", "x.safetensors", "--target", "fpr:2"])
        XCTAssertEqual(bad.code, 64); XCTAssertTrue(bad.stderr.contains("fpr:2"), bad.stderr)
        let model = try CLI.syntheticModel(in: dir)
        try copyMiniSet("cyclegan", to: dir, name: "onlyreal", count: 1)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("onlyreal/1_fake"))
        let oneClass = try CLI.run([
            "calibrate", dir.appendingPathComponent("onlyreal").path, "-m", model, "--crop", "64",
            "-o", dir.appendingPathComponent("o.safetensors").path
        ])
        XCTAssertNotEqual(oneClass.code, 0)
        XCTAssertTrue(oneClass.stderr.contains("real and fake"), oneClass.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.safetensors").path))
    }
}
