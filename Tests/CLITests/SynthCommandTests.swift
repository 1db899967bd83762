import CNNSpot
import Foundation
import XCTest

/// `cnnspot synth` through the binary, with the built-in plumbing family `check-box2x`.
final class SynthCommandTests: XCTestCase {
    func tempDir() throws -> URL { try scratchDirectory("synth") }

    /// Every regular file under `dir` but the run log (manifest.json) and the journal.
    func outputs(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: dir.path)!
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            let p = dir.appendingPathComponent(rel).path
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue else { continue }
            if rel == "manifest.json" || rel == ".synth/journal.csv" { continue }
            out[rel] = FileManager.default.contents(atPath: p)
        }
        return out
    }

    func testListFamilies() throws {
        let r = try CLI.run(["synth", "--list-families"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("check-box2x"), r.stdout)
    }

    /// Killed with SIGKILL mid-run (two threads), then `--resume`d: the same files and MANIFEST.csv,
    /// byte for byte, as an uninterrupted one-thread run.
    func testKilledRunResumesToTheSameBytes() throws {
        let dir = try tempDir()
        let list = dir.appendingPathComponent("photos.txt")
        let bsds = CLI.shared.appendingPathComponent("photos/bsds500")
        let names = try FileManager.default.contentsOfDirectory(atPath: bsds.path).sorted().prefix(30)
        try names.map { bsds.appendingPathComponent($0).path }.joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
        func args(_ out: String, _ threads: Int) -> [String] {
            [
                "synth", "@" + list.path, "-o", dir.appendingPathComponent(out).path, "--families", "check-box2x",
                "--size", "64", "--per-photo", "12", "--jpeg-align", "--threads", String(threads)
            ]
        }
        let whole = try CLI.run(args("whole", 1))
        XCTAssertEqual(whole.code, 0, whole.stderr)

        let journal = dir.appendingPathComponent("killed/.synth/journal.csv").path
        let p = Process()
        p.executableURL = try CLI.binary()
        p.arguments = args("killed", 2)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        func journalled() -> Int { ((try? FileManager.default.attributesOfItem(atPath: journal))?[.size] as? Int) ?? 0 }
        while journalled() < 4000 && p.isRunning && Date() < deadline { usleep(2_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal, "the run finished before it could be killed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("killed/MANIFEST.csv").path))

        let again = try CLI.run(args("killed", 2))
        XCTAssertNotEqual(again.code, 0, "a non-empty OUT without --resume must be refused")
        XCTAssertTrue(again.stderr.contains("--resume"), again.stderr)

        let resumed = try CLI.run(args("killed", 2) + ["--resume"])
        XCTAssertEqual(resumed.code, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("were already done"), resumed.stdout)
        print("synth resume: \(resumed.stdout.split(separator: "\n").last ?? "")")
        let a = try outputs(dir.appendingPathComponent("whole")), b = try outputs(dir.appendingPathComponent("killed"))
        XCTAssertGreaterThan(a.count, 300)
        XCTAssertEqual(Set(a.keys).symmetricDifference(b.keys).sorted().prefix(10), [], "files in only one of the two runs")
        for (k, v) in a { XCTAssertEqual(v, b[k], k) }
    }

    /// Broken inputs: named on stderr, the rest made, exit 1. Unknown family: usage error. Then
    /// `cnnspot train --dataroot OUT` trains on the output.
    func testBadInputsUnknownFamilyAndTrainOnOutput() throws {
        let dir = try tempDir()
        let photos = dir.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        let bsds = CLI.shared.appendingPathComponent("photos/bsds500")
        for n in try FileManager.default.contentsOfDirectory(atPath: bsds.path).sorted().prefix(6) {
            try FileManager.default.copyItem(at: bsds.appendingPathComponent(n), to: photos.appendingPathComponent(n))
        }
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]).write(to: photos.appendingPathComponent("broken.jpg"))
        let out = dir.appendingPathComponent("out").path

        let unknown = try CLI.run(["synth", photos.path, "-o", out, "--families", "no-such-family"])
        XCTAssertEqual(unknown.code, 64, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("no-such-family") && unknown.stderr.contains("check-box2x"), unknown.stderr)

        let r = try CLI.run(["synth", photos.path, "-o", out, "--families", "check-box2x", "--size", "64", "--val", "0.34"])
        XCTAssertEqual(r.code, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("broken.jpg"), r.stderr)
        XCTAssertTrue(r.stdout.contains("photos: 4 train, 2 val"), r.stdout)

        let t = try CLI.run([
            "train", "--dataroot", out, "--name", "t", "-o", dir.appendingPathComponent("ck").path,
            "--arch", "resnet18", "--load-size", "64", "--crop-size", "64", "--batch-size", "4",
            "--max-steps", "1", "--threads", "1", "--workers", "1"
        ])
        XCTAssertEqual(t.code, 0, t.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("ck/t/latest.safetensors").path), t.stderr)
    }
}
