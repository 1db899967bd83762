import CNNSpot
import Foundation
import XCTest

/// Issue 14: `detect --shard` over 3 shards, then `merge`, gives one run's file byte for byte;
/// `--shard auto` reads each scheduler's variables; broken shard sets are errors naming the shard.
final class ShardCLITests: XCTestCase {
    var dir: URL!
    var model: String!

    override func setUpWithError() throws {
        dir = try scratchDirectory("shard")
        model = try CLI.syntheticModel(in: dir)
        // 11 images of three sizes in two folders, a broken file and a name with a comma.
        let imgs = dir.appendingPathComponent("imgs")
        for sub in ["a", "b"] { try FileManager.default.createDirectory(at: imgs.appendingPathComponent(sub), withIntermediateDirectories: true) }
        for i in 0..<11 {
            let (w, h) = [(64, 48), (80, 64), (48, 48)][i % 3]
            var px = [UInt8](repeating: 0, count: w * h * 3)
            for j in px.indices { px[j] = UInt8(truncatingIfNeeded: j &* 31 &+ i &* 17) }
            try RGBImage(width: w, height: h, pixels: px).writePNG(to: imgs.appendingPathComponent(i % 2 == 0 ? "a/\(i).png" : "b/x,\(i).png"))
        }
        try Data("not a png".utf8).write(to: imgs.appendingPathComponent("b/broken.png"))
    }

    func detect(_ extra: [String], env: String = "") throws -> CLI.Output {
        let args = (["detect", "-m", model!, "imgs", "--batch-size", "1", "--threads", "2"] + extra).map { "'\($0)'" }.joined(separator: " ")
        return try CLI.runShell("cd '\(dir.path)' && \(env) \"$CNNSPOT\" \(args)")
    }

    func read(_ name: String) throws -> String { try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) }

    func testThreeShardsMergeToOneRun() throws {
        for format in ["csv", "jsonl"] {
            let one = try detect(["--format", format, "-o", "one.\(format)"])
            XCTAssertEqual(one.code, 1, "the broken file fails: \(one.stderr)")
            var parts: [String] = []
            for i in 0..<3 {
                let r = try detect(["--format", format, "--shard", "\(i)/3", "-o", "s\(i).\(format)"])
                XCTAssertTrue(r.code == 0 || r.code == 1, r.stderr)
                XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("s\(i).\(format).shard.json").path))
                parts.append("s\(i).\(format)")
            }
            let rows = try parts.map { try read($0).split(separator: "\n").count - (format == "csv" ? 1 : 0) }
            XCTAssertEqual(rows, [4, 4, 4], "12 inputs over 3 shards")
            // Given in any order.
            let m = try CLI.runShell("cd '\(dir.path)' && \"$CNNSPOT\" merge \(parts.reversed().joined(separator: " ")) -o merged.\(format)")
            XCTAssertEqual(m.code, 0, m.stderr)
            XCTAssertTrue(m.stderr.contains("12 row(s), 1 with an error"), m.stderr)
            XCTAssertEqual(try read("merged.\(format)"), try read("one.\(format)"), "\(format): merged shards differ from one run")
        }
    }

    func testBrokenShardSetsAreNamed() throws {
        for i in 0..<3 { _ = try detect(["--format", "csv", "--shard", "\(i)/3", "-o", "s\(i).csv"]) }
        func merge(_ files: String) throws -> CLI.Output {
            try CLI.runShell("cd '\(dir.path)' && \"$CNNSPOT\" merge \(files) -o m.csv")
        }
        var r = try merge("s0.csv s2.csv")
        XCTAssertEqual(r.code, 1); XCTAssertTrue(r.stderr.contains("missing shard(s) 1/3"), r.stderr)
        r = try merge("s0.csv s1.csv s1.csv s2.csv")
        XCTAssertEqual(r.code, 1); XCTAssertTrue(r.stderr.contains("shard 1/3 given twice"), r.stderr)
        // A shard of another job (other inputs) and a truncated shard.
        _ = try CLI.runShell("cd '\(dir.path)' && \"$CNNSPOT\" detect -m '\(model!)' imgs/a --format csv --shard 1/3 -o other.csv")
        r = try merge("s0.csv other.csv s2.csv")
        XCTAssertEqual(r.code, 1); XCTAssertTrue(r.stderr.contains("other.csv is shard 1/3 of another job"), r.stderr)
        let s2 = try read("s2.csv")
        try Data(s2.split(separator: "\n").dropLast().joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("s2.csv"))
        r = try merge("s0.csv s1.csv s2.csv")
        XCTAssertEqual(r.code, 1); XCTAssertTrue(r.stderr.contains("s2.csv: 3 rows"), r.stderr)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("s1.csv.shard.json"))
        r = try merge("s0.csv s1.csv s2.csv")
        XCTAssertEqual(r.code, 1); XCTAssertTrue(r.stderr.contains("did not finish"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.csv").path), "nothing written on error")
    }

    func testShardAutoReadsEachScheduler() throws {
        let explicit = try detect(["--format", "csv", "--shard", "2/4", "-o", "explicit.csv"])
        XCTAssertTrue(explicit.code == 0 || explicit.code == 1, explicit.stderr)
        let envs = [
            ("k8s", "JOB_COMPLETION_INDEX=2 JOB_COMPLETIONS=4", [String]()),
            ("k8s-shards", "JOB_COMPLETION_INDEX=2", ["--shards", "4"]),
            ("slurm", "SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=4", []),
            ("ompi", "OMPI_COMM_WORLD_RANK=2 OMPI_COMM_WORLD_SIZE=4", []),
            ("pmi", "PMI_RANK=2 PMI_SIZE=4", [])
        ]
        for (name, env, extra) in envs {
            let r = try detect(["--format", "csv", "--shard", "auto", "-o", "\(name).csv"] + extra, env: "env \(env)")
            XCTAssertTrue(r.stderr.contains("shard 2/4"), "\(name): \(r.stderr)")
            XCTAssertEqual(try read("\(name).csv"), try read("explicit.csv"), name)
        }
        let none = try detect(
            ["--format", "csv", "--shard", "auto", "-o", "none.csv"],
            env: "env -u JOB_COMPLETION_INDEX -u SLURM_ARRAY_TASK_ID -u OMPI_COMM_WORLD_RANK -u PMI_RANK")
        XCTAssertEqual(none.code, 64, none.stderr)
        XCTAssertTrue(none.stderr.contains("no scheduler index"), none.stderr)
        let noOut = try detect(["--shard", "0/2"])
        XCTAssertEqual(noOut.code, 64); XCTAssertTrue(noOut.stderr.contains("--shard needs -o"), noOut.stderr)
    }
}
