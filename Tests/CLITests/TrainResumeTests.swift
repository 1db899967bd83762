import CNNSpot
import Foundation
import XCTest

/// `cnnspot train` as a user runs it: killed with SIGKILL mid-epoch after a `latest` checkpoint
/// was written, then `--resume`d, it must end with the same parameters, Adam state and log as an
/// uninterrupted run of the same seed (one network thread: oneDNN is then deterministic).
final class TrainResumeTests: XCTestCase {

    /// The built tool (a missing build fails the test rather than skipping it).
    func binary() throws -> URL { try CLI.binary() }

    func tempDir() throws -> URL { try scratchDirectory("train") }

    func process(_ args: [String]) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = try binary()
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        return (p, err)
    }

    func run(_ args: [String]) throws -> (code: Int32, stderr: String) {
        let (p, err) = try process(args)
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testKilledRunResumesExactly() throws {
        let dir = try tempDir()
        let data = try CLI.linkMiniSynths(into: dir, train: 16, val: 8)
        // 32 images, batch 8: 4 steps per epoch; 10 steps cross two epoch ends (validation, LR schedule).
        func args(_ name: String) -> [String] {
            [
                "train", "--dataroot", data.path, "--name", name, "-o", dir.appendingPathComponent("ck").path,
                "--arch", "resnet18", "--crop-size", "64", "--load-size", "72", "--batch-size", "8", "--max-steps", "10",
                "--threads", "1", "--workers", "2", "--save-latest-freq", "2", "--seed", "3", "--lr", "1e-3",
                "--blur-prob", "0.5", "--blur-sig", "0,3", "--jpg-prob", "0.5", "--jpg-qual", "30,100", "--jpg-method", "cv2,pil"
            ]
        }
        let full = try run(args("full"))
        XCTAssertEqual(full.code, 0, full.stderr)

        // The same run, killed as soon as its first latest.safetensors exists.
        let latest = dir.appendingPathComponent("ck/killed/latest.safetensors").path
        let (p, err) = try process(args("killed"))
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: latest) && p.isRunning && Date() < deadline { usleep(5_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        _ = err.fileHandleForReading.readDataToEndOfFile()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal, "the run finished before it could be killed")
        let killedAt = try TrainingCheckpoint.read(latest).state
        print("train resume: killed with latest at step \(killedAt.step), epoch \(killedAt.epoch), batch \(killedAt.batchInEpoch)")
        XCTAssertLessThan(killedAt.step, 10)
        XCTAssertGreaterThan(killedAt.batchInEpoch, 0, "killed mid-epoch")

        let resumed = try run(args("killed") + ["--resume"])
        XCTAssertEqual(resumed.code, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("resuming killed at step \(killedAt.step)"), resumed.stderr)

        let a = try TrainingCheckpoint.read(dir.appendingPathComponent("ck/full/latest.safetensors").path)
        let b = try TrainingCheckpoint.read(latest)
        XCTAssertEqual(a.state.step, 10); XCTAssertEqual(b.state.step, 10)
        XCTAssertEqual(a.state.epoch, b.state.epoch); XCTAssertEqual(a.state.batchInEpoch, b.state.batchInEpoch)
        XCTAssertEqual(a.state.earlyStopping, b.state.earlyStopping)
        XCTAssertEqual(a.stateDict.keys.sorted(), b.stateDict.keys.sorted())
        XCTAssertEqual(a.moments.keys.sorted(), b.moments.keys.sorted())
        var worst = 0.0
        for (key, t) in a.stateDict {
            let u = try XCTUnwrap(b.stateDict[key])
            XCTAssertEqual(t.shape, u.shape, key)
            for (x, y) in zip(t.data, u.data) { worst = max(worst, Double(abs(x - y))) }
        }
        var worstMoment = 0.0
        for (key, m) in a.moments {
            let n = try XCTUnwrap(b.moments[key])
            XCTAssertEqual(m.step, n.step, key)
            for (x, y) in zip(m.expAvg.data + m.expAvgSq.data, n.expAvg.data + n.expAvgSq.data) { worstMoment = max(worstMoment, Double(abs(x - y))) }
        }
        print("train resume: max |param diff| \(worst), max |Adam moment diff| \(worstMoment) (tolerance 0: bit-identical)")
        XCTAssertEqual(worst, 0)
        XCTAssertEqual(worstMoment, 0)
        // The epoch rows agree too (timings aside): loss, accuracy, AP, lr.
        func rows(_ name: String) throws -> [String] {
            try String(contentsOf: dir.appendingPathComponent("ck/\(name)/log.csv"), encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(6).joined(separator: ",") }
        }
        XCTAssertEqual(try rows("full").count, 3, "header + two epochs")
        XCTAssertEqual(try rows("full"), try rows("killed"))
        // Model-only epoch files load in the detector (strict keys).
        let detect = try run([
            "detect", "-m", dir.appendingPathComponent("ck/full/epoch_1.safetensors").path,
            data.appendingPathComponent("val/realesrgan/0_real").path, "--crop", "64"
        ])
        XCTAssertEqual(detect.code, 0, detect.stderr)
    }

    func testBadOptionsFailWithMessages() throws {
        let dir = try tempDir()
        let noResume = try run(["train", "--dataroot", dir.path, "--name", "x", "-o", dir.path, "--resume"])
        XCTAssertEqual(noResume.code, 1)
        XCTAssertTrue(noResume.stderr.contains("latest.safetensors"), noResume.stderr)
        let crop = try run(["train", "--dataroot", dir.path, "--name", "x", "--crop-size", "300"])
        XCTAssertNotEqual(crop.code, 0)
        XCTAssertTrue(crop.stderr.contains("--crop-size"), crop.stderr)
        let qual = try run(["train", "--dataroot", dir.path, "--name", "x", "--jpg-qual", "30,abc"])
        XCTAssertNotEqual(qual.code, 0)
        XCTAssertTrue(qual.stderr.contains("--jpg-qual"), qual.stderr)
        let noData = try run(["train", "--dataroot", dir.appendingPathComponent("none").path, "--name", "x", "-o", dir.path])
        XCTAssertEqual(noData.code, 1)
        XCTAssertTrue(noData.stderr.contains("none"), noData.stderr)
    }
}
