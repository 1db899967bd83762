import CNNSpot
import Foundation
import XCTest

/// `cnnspot convert` and `info` through the binary: values survive conversion exactly, and
/// hostile or broken checkpoints are refused with the file and the culprit named.
final class ConvertCommandTests: XCTestCase {
    let fixtures = CLI.root.appendingPathComponent("Fixtures/checkpoints")

    func testConvertKeepsEveryValueAndInfoShowsIt() throws {
        let dir = try CLI.temporaryDirectory("convert")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, strip) in [("train_legacy.pth", false), ("dataparallel.pth", true)] {
            let input = fixtures.appendingPathComponent(name).path
            let out = dir.appendingPathComponent(name + ".safetensors").path
            var args = ["convert", input, out]
            if strip { args.append("--strip-module-prefix") }
            let r = try CLI.run(args)
            XCTAssertEqual(r.code, 0, r.stderr)
            let source = try Checkpoint.load(path: input).floatStateDict(stripModulePrefix: strip)
            let converted = try Checkpoint.load(path: out).floatStateDict()
            XCTAssertEqual(Set(converted.map(\.key)), Set(source.map(\.key)), name)
            let byKey = Dictionary(uniqueKeysWithValues: converted.map { ($0.key, $0) })
            for s in source {
                XCTAssertEqual(byKey[s.key]?.shape, s.shape, s.key)
                XCTAssertEqual(byKey[s.key]?.values, s.values, s.key)
            }
            let info = try CLI.run(["info", out, "--json"])
            XCTAssertEqual(info.code, 0, info.stderr)
            XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)))
        }
    }

    /// A safetensors input keeps its metadata (threshold, band, architecture), float16 output
    /// holds every value to half precision, and --meta / --meta-file add keys.
    func testSafetensorsMetadataIsKeptAndExtended() throws {
        let dir = try CLI.temporaryDirectory("convert-meta")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try CLI.syntheticModel(in: dir, threshold: 0.37)
        let band = dir.appendingPathComponent("band.safetensors").path
        try Calibration.writeModel(from: model, to: band, threshold: 0.37, band: 0.2...0.6, calibration: ["set": "x"])
        let table = dir.appendingPathComponent("table.md")
        try "| a | b |\n".write(to: table, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("half.safetensors").path
        let r = try CLI.run([
            "convert", band, out, "--fp16", "--meta", "recipe=r1", "--meta", "x=a=b",
            "--meta-file", "results_table=\(table.path)"
        ])
        XCTAssertEqual(r.code, 0, r.stderr)
        let meta = try Checkpoint.load(path: out).metadata
        XCTAssertEqual(meta["threshold"], "0.37")
        XCTAssertEqual(meta["uncertain_low"], "0.2")
        XCTAssertEqual(meta["uncertain_high"], "0.6")
        XCTAssertEqual(meta["recipe"], "r1")
        XCTAssertEqual(meta["x"], "a=b", "only the first '=' splits")
        XCTAssertEqual(meta["results_table"], "| a | b |\n")
        XCTAssertEqual(meta["architecture"], "resnet18")
        let a = try Checkpoint.load(path: band).floatStateDict(), b = try Checkpoint.load(path: out).floatStateDict()
        let half = Dictionary(uniqueKeysWithValues: b.map { ($0.key, $0.values) })
        for t in a {
            let h = try XCTUnwrap(half[t.key])
            for (x, y) in zip(t.values, h) { XCTAssertEqual(y, Float(Float16(x)), t.key); break }
        }
        XCTAssertEqual(try Detector.load(path: out).rule.band, 0.2...0.6)
        let bad = try CLI.run(["convert", band, out, "--meta", "novalue"])
        XCTAssertNotEqual(bad.code, 0)
        XCTAssertTrue(bad.stderr.contains("KEY=VALUE"), bad.stderr)
    }

    func testHostileAndBrokenFilesAreRefusedByName() throws {
        let dir = try CLI.temporaryDirectory("convert-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        // os_system.pth would run `echo pwned > /tmp/cnnspot_pwned` if its pickle were executed.
        let marker = URL(fileURLWithPath: "/tmp/cnnspot_pwned")
        try? FileManager.default.removeItem(at: marker)
        for name in try FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent("malicious").path).sorted() {
            let path = fixtures.appendingPathComponent("malicious/\(name)").path
            let r = try CLI.run(["convert", path, dir.appendingPathComponent("out.safetensors").path])
            XCTAssertEqual(r.code, 1, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(name), "\(name): the error names the file: \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Fatal error"), name)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path))
        let evil = try CLI.run(["info", fixtures.appendingPathComponent("malicious/builtins_eval.pth").path])
        XCTAssertTrue(evil.stderr.contains("eval"), "the refused global is named: \(evil.stderr)")
    }
}
