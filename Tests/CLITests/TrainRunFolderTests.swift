import CNNSpot
import Foundation
import XCTest

/// Issue 13 rows 7-9: `train` never mixes two runs in one folder, resumes the folder it is
/// given, keeps the run's stopping rule and refuses changed training options.
final class TrainRunFolderTests: XCTestCase {
    var dir: URL!
    var data: URL!

    override func setUpWithError() throws {
        dir = try scratchDirectory("train-folder")
        // 4+4 training and 2+2 validation images from minisynths (links): 2 steps per epoch at batch 4.
        data = try CLI.linkMiniSynths(into: dir, train: 4, val: 2)
    }

    func train(_ name: String, _ extra: [String]) throws -> CLI.Output {
        try CLI.run(
            [
                "train", "--dataroot", data.path, "--name", name, "-o", dir.appendingPathComponent("ck").path,
                "--arch", "resnet18", "--crop-size", "32", "--load-size", "40", "--batch-size", "4",
                "--threads", "1", "--workers", "1", "--save-latest-freq", "1"
            ] + extra)
    }

    func latest(_ name: String) throws -> TrainingCheckpoint.Contents {
        try TrainingCheckpoint.read(dir.appendingPathComponent("ck/\(name)/latest.safetensors").path)
    }

    // Row 7.
    func testExistingRunFolderNeedsResumeOrOverwrite() throws {
        let first = try train("run", ["--max-steps", "2"])
        XCTAssertEqual(first.code, 0, first.stderr)
        let epoch0 = dir.appendingPathComponent("ck/run/epoch_0.safetensors").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: epoch0), "the first run ends an epoch")
        let before = try Data(contentsOf: dir.appendingPathComponent("ck/run/latest.safetensors"))

        let again = try train("run", ["--max-steps", "1"])
        XCTAssertEqual(again.code, 1)
        XCTAssertTrue(
            again.stderr.contains("already holds a run") && again.stderr.contains("--resume")
                && again.stderr.contains("--overwrite"), again.stderr)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("ck/run/latest.safetensors")), before, "nothing overwritten")

        let replaced = try train("run", ["--max-steps", "1", "--overwrite"])
        XCTAssertEqual(replaced.code, 0, replaced.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: epoch0), "the old run's epoch file is gone, not mixed in")
        XCTAssertEqual(try latest("run").state.step, 1)
    }

    // Rows 8 and 9.
    func testResumeUsesTheGivenFolderTheSavedStopRuleAndRefusesChanges() throws {
        let first = try train("orig", ["--max-steps", "1"])
        XCTAssertEqual(first.code, 0, first.stderr)
        try FileManager.default.copyItem(at: dir.appendingPathComponent("ck/orig"), to: dir.appendingPathComponent("ck/copy"))
        let original = try Data(contentsOf: dir.appendingPathComponent("ck/orig/latest.safetensors"))

        // Row 9: without --max-steps the saved rule (1 step) holds: nothing more is trained.
        let kept = try train("copy", ["--resume"])
        XCTAssertEqual(kept.code, 0, kept.stderr)
        XCTAssertTrue(kept.stderr.contains("keeping the run's --max-steps 1"), kept.stderr)
        XCTAssertEqual(try latest("copy").state.step, 1, "resume must not run on to early stopping")

        // Row 8: the copy is resumed and written; the original is untouched.
        let more = try train("copy", ["--resume", "--max-steps", "3"])
        XCTAssertEqual(more.code, 0, more.stderr)
        XCTAssertEqual(try latest("copy").state.step, 3)
        XCTAssertEqual(
            try Data(contentsOf: dir.appendingPathComponent("ck/orig/latest.safetensors")), original,
            "resuming the copy wrote into the original folder")
        XCTAssertEqual(try latest("copy").options.name, "copy")

        // Row 9: a changed training option is refused, naming it and the saved value.
        let changed = try train("copy", ["--resume", "--max-steps", "4", "--lr", "0.001"])
        XCTAssertEqual(changed.code, 1, changed.stderr)
        XCTAssertTrue(changed.stderr.contains("--lr 0.001") && changed.stderr.contains("0.0001"), changed.stderr)
        XCTAssertEqual(try latest("copy").state.step, 3, "nothing trained")
        let both = try train("copy", ["--resume", "--overwrite"])
        XCTAssertNotEqual(both.code, 0)
    }

    // Row 9: an option given with its default value is a given option too (`--lr 1e-4` on a run
    // trained at 1e-3 is refused, not silently ignored).
    func testResumeRefusesADefaultValuedOptionThatDiffers() throws {
        let first = try train("fast", ["--max-steps", "1", "--lr", "0.001"])
        XCTAssertEqual(first.code, 0, first.stderr)
        let back = try train("fast", ["--resume", "--max-steps", "2", "--lr", "1e-4"])
        XCTAssertEqual(back.code, 1, back.stderr)
        XCTAssertTrue(back.stderr.contains("--lr 0.0001") && back.stderr.contains("0.001"), back.stderr)
        XCTAssertEqual(try latest("fast").state.step, 1, "nothing trained")
        let same = try train("fast", ["--resume", "--max-steps", "2", "--lr=0.001"])
        XCTAssertEqual(same.code, 0, same.stderr)
        XCTAssertEqual(try latest("fast").state.step, 2)
    }
}
