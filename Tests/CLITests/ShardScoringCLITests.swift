import CNNSpot
import Foundation
import XCTest

/// Issue 14: `eval --shard` and `robustness --shard` over 3 shards, then `merge`, write what one
/// run writes (the metrics files byte for byte); broken shard sets are errors naming the shard.
final class ShardScoringCLITests: XCTestCase {
    var dir: URL!
    var model: String!

    override func setUpWithError() throws {
        dir = try scratchDirectory("shard-scoring")
        model = try CLI.syntheticModel(in: dir)
        // Two sets (7 + 6 images, two sizes) of a ForenSynths test root; one file is broken and
        // one name holds a comma.
        let fm = FileManager.default
        for (set, n) in [("ganA", 7), ("ganB", 6)] {
            for cls in ["0_real", "1_fake"] {
                let d = dir.appendingPathComponent("test/\(set)/\(cls)")
                try fm.createDirectory(at: d, withIntermediateDirectories: true)
                for i in 0..<(cls == "0_real" ? (n + 1) / 2 : n / 2) {
                    let (w, h) = i % 2 == 0 ? (64, 48) : (48, 64)
                    var px = [UInt8](repeating: 0, count: w * h * 3)
                    let seed = i &* 7 &+ (cls == "1_fake" ? 3 : 0) &+ set.count
                    for j in px.indices { px[j] = UInt8(truncatingIfNeeded: (j &* (13 &+ seed)) ^ (j >> 5)) }
                    try RGBImage(width: w, height: h, pixels: px).writePNG(to: d.appendingPathComponent(i == 1 ? "x,\(i).png" : "\(i).png"))
                }
            }
        }
        try Data("not a png".utf8).write(to: dir.appendingPathComponent("test/ganB/1_fake/broken.png"))
    }

    func cnnspot(_ args: [String]) throws -> CLI.Output {
        try CLI.runShell("cd '\(dir.path)' && \"$CNNSPOT\" " + args.map { "'\($0)'" }.joined(separator: " "))
    }

    func read(_ name: String) throws -> Data { try Data(contentsOf: dir.appendingPathComponent(name)) }

    /// One run into `one`, three shards into s0..s2, merged (given in another order) into `merged`.
    func shardAndMerge(_ command: [String]) throws -> CLI.Output {
        let base = command + ["test", "-m", model!, "--batch-size", "1", "--threads", "2"]
        let one = try cnnspot(base + ["-o", "one"])
        XCTAssertEqual(one.code, command[0] == "eval" ? 1 : 0, "the broken file fails eval: \(one.stderr)")
        for i in 0..<3 {
            let r = try cnnspot(base + ["--shard", "\(i)/3", "-o", "s\(i)"])
            XCTAssertTrue(r.code == 0 || r.code == 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("shard \(i)/3: \(i < 2 ? 5 : 4) of 14 image(s)"), r.stderr)
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: dir.appendingPathComponent("s\(i)/results.csv").path),
                "a shard writes no metrics of its own")
        }
        return try cnnspot(["merge", "s2", "s0", "s1", "-o", "merged"])
    }

    func testEvalShardsMergeToOneRun() throws {
        let m = try shardAndMerge(["eval", "--crop", "none", "--crop", "32"])
        XCTAssertEqual(m.code, 1, "an image of the job failed: \(m.stderr)")
        XCTAssertTrue(m.stderr.contains("3 eval shard(s), 14 image(s) x 2"), m.stderr)
        for f in ["results.csv", "results.json", "scores.csv"] {
            XCTAssertEqual(try read("merged/\(f)"), try read("one/\(f)"), "\(f): merged shards differ from one run")
        }
        let rows = CLI.csv(String(decoding: try read("merged/results.csv"), as: UTF8.self))
        XCTAssertEqual(rows.filter { $0.first == "ganB" }.map { $0[13] }, ["1", "1"], "the broken file is counted as failed per crop")
        let manifest = try JSONSerialization.jsonObject(with: try read("merged/manifest.json")) as? [String: Any]
        XCTAssertEqual((manifest?["settings"] as? [String: String])?["merged_shards"], "3")
        XCTAssertEqual((manifest?["datasets"] as? [[String: Any]])?.map { $0["files"] as? Int }, [7, 7], "datasets of the whole job")
    }

    func testRobustnessShardsMergeToOneRun() throws {
        let m = try shardAndMerge(["robustness", "--blur", "0,1", "--jpeg", "90", "--resize", "none"])
        XCTAssertEqual(m.code, 0, "as robustness itself, failed images are counted, not an error: \(m.stderr)")
        XCTAssertTrue(m.stderr.contains("3 robustness shard(s), 14 image(s) x 3"), m.stderr)
        for f in ["robustness.csv", "robustness.json", "scores.csv", "blur_ap.png", "jpeg_acc.png"] {
            XCTAssertEqual(try read("merged/\(f)"), try read("one/\(f)"), "\(f): merged shards differ from one run")
        }
    }

    func testBrokenShardSetsAreNamed() throws {
        let base = ["eval", "test", "-m", model!, "--batch-size", "1"]
        for i in 0..<3 { _ = try cnnspot(base + ["--shard", "\(i)/3", "-o", "s\(i)"]) }
        func merge(_ folders: [String]) throws -> CLI.Output { try cnnspot(["merge"] + folders + ["-o", "m"]) }
        var r = try merge(["s0", "s2"])
        XCTAssertEqual(r.code, 1); XCTAssertTrue(r.stderr.contains("missing shard(s) 1/3"), r.stderr)
        r = try merge(["s0", "s1", "s1", "s2"])
        XCTAssertEqual(r.code, 1); XCTAssertTrue(r.stderr.contains("shard 1/3 given twice"), r.stderr)
        // Another job: other settings (a crop), or other images.
        _ = try cnnspot(base + ["--crop", "32", "--shard", "1/3", "-o", "crop"])
        r = try merge(["s0", "crop", "s2"])
        XCTAssertEqual(r.code, 1); XCTAssertTrue(r.stderr.contains("crop is shard 1/3 of another job"), r.stderr)
        _ = try cnnspot(["eval", "test/ganA", "-m", model!, "--shard", "1/3", "-o", "other"])
        r = try merge(["s0", "other", "s2"])
        XCTAssertEqual(r.code, 1); XCTAssertTrue(r.stderr.contains("other is shard 1/3 of another job"), r.stderr)
        // A row moved to another set, a truncated file, an unfinished shard.
        let scores = dir.appendingPathComponent("s2/scores.csv")
        let text = try String(contentsOf: scores, encoding: .utf8)
        try Data(text.replacingOccurrences(of: ",ganA,", with: ",ganB,").utf8).write(to: scores)
        r = try merge(["s0", "s1", "s2"])
        XCTAssertEqual(r.code, 1); XCTAssertTrue(r.stderr.contains("of set 'ganB', expected"), r.stderr)
        try Data(text.split(separator: "\n").dropLast().joined(separator: "\n").utf8).write(to: scores)
        r = try merge(["s0", "s1", "s2"])
        XCTAssertEqual(r.code, 1); XCTAssertTrue(r.stderr.contains("s2/scores.csv: 3 rows"), r.stderr)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("s1/shard.json"))
        r = try merge(["s0", "s1", "s2"])
        XCTAssertEqual(r.code, 1); XCTAssertTrue(r.stderr.contains("s1: no shard.json"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("m").path), "nothing written on error")
        // A shard without its own folder would share eval's default one with the other shards.
        r = try cnnspot(base + ["--shard", "0/3"])
        XCTAssertEqual(r.code, 64, r.stderr); XCTAssertTrue(r.stderr.contains("--shard needs -o DIR"), r.stderr)
        // Files and folders mixed.
        r = try merge(["s0", "one.csv"])
        XCTAssertEqual(r.code, 1); XCTAssertTrue(r.stderr.contains("one.csv is not a folder") || r.stderr.contains("one.csv: no such file"), r.stderr)
    }
}
