@testable import CNNSpot
import XCTest

/// Issue 14: the shard partition and the schedulers' environments.
final class ShardTests: XCTestCase {
    func testParseAndRange() throws {
        XCTAssertEqual(try Shard.parse("2/5"), try Shard(index: 2, count: 5))
        for bad in ["5/5", "-1/3", "1/0", "a/b", "1", "1/2/3", ""] {
            XCTAssertThrowsError(try Shard.parse(bad), bad)
        }
    }

    /// Every input lands in exactly one shard; each shard is in path byte order and the shards
    /// are balanced within one item; the given order of the inputs does not matter.
    func testPartitionIsCompleteDisjointBalancedAndOrderFree() throws {
        var rng = SystemRandomNumberGenerator()
        let paths = (0..<103).map { "d\($0 % 7)/img\(Int.random(in: 0..<1000, using: &rng))_\($0).png" } + ["caf\u{e9}.png", "Z.png", "a.png"]
        let sorted = paths.sorted { Shard.less($0, $1) }
        for n in [1, 2, 3, 8, 200] {
            var seen = [Int](repeating: 0, count: paths.count)
            var sizes: [Int] = []
            for i in 0..<n {
                let picked = try Shard(index: i, count: n).select(paths)
                picked.forEach { seen[$0] += 1 }
                sizes.append(picked.count)
                let ps = picked.map { paths[$0] }
                XCTAssertEqual(ps, ps.sorted { Shard.less($0, $1) })
                XCTAssertEqual(ps, stride(from: i, to: sorted.count, by: n).map { sorted[$0] }, "shard \(i)/\(n) is every nth of the sorted list")
                let shuffled = paths.shuffled()
                XCTAssertEqual(try Shard(index: i, count: n).select(shuffled).map { shuffled[$0] }, ps, "independent of the given order")
            }
            XCTAssertEqual(seen, [Int](repeating: 1, count: paths.count), "n=\(n)")
            XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1)
        }
        XCTAssertTrue(Shard.less("Z.png", "a.png"), "byte order, not locale order")
        XCTAssertEqual(Shard.fingerprint(paths), Shard.fingerprint(paths.reversed()))
        XCTAssertNotEqual(Shard.fingerprint(paths), Shard.fingerprint(Array(paths.dropLast())))
    }

    func testSchedulerEnvironments() throws {
        func s(_ env: [String: String], _ shards: Int? = nil) throws -> Shard { try Shard.fromEnvironment(env, shards: shards) }
        XCTAssertEqual(try s(["JOB_COMPLETION_INDEX": "3", "JOB_COMPLETIONS": "8"]), try Shard(index: 3, count: 8))
        XCTAssertEqual(try s(["JOB_COMPLETION_INDEX": "3"], 4), try Shard(index: 3, count: 4))
        XCTAssertThrowsError(try s(["JOB_COMPLETION_INDEX": "3"])) { XCTAssertTrue("\($0)".contains("--shards")) }
        XCTAssertThrowsError(try s(["JOB_COMPLETION_INDEX": "3", "JOB_COMPLETIONS": "8"], 4)) { XCTAssertTrue("\($0)".contains("disagrees")) }
        XCTAssertThrowsError(try s(["JOB_COMPLETION_INDEX": "8", "JOB_COMPLETIONS": "8"]))
        // Slurm arrays may start anywhere (--array=1-10): the index counts from MIN.
        XCTAssertEqual(try s(["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "10"]), try Shard(index: 4, count: 10))
        XCTAssertEqual(try s(["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "3"]), try Shard(index: 0, count: 4))
        XCTAssertEqual(try s(["OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_SIZE": "2"]), try Shard(index: 1, count: 2))
        XCTAssertEqual(try s(["PMI_RANK": "0", "PMI_SIZE": "3"]), try Shard(index: 0, count: 3))
        XCTAssertThrowsError(try s(["PMI_RANK": "x", "PMI_SIZE": "3"])) { XCTAssertTrue("\($0)".contains("PMI_RANK='x'")) }
        XCTAssertThrowsError(try s(["HOME": "/root"])) { XCTAssertTrue("\($0)".contains("no scheduler index")) }
    }

    func testCSVRecordsKeepQuotedNewlines() {
        let text = "path,error\n\"a\nb.png\",\n\"c,d.png\",\"x \"\"y\"\"\"\n"
        XCTAssertEqual(ShardMerge.csvRecords(text), ["path,error", "\"a\nb.png\",", "\"c,d.png\",\"x \"\"y\"\"\""])
    }
}

/// `ShardedScoring.select`: the shards of a job cover every image of every set once, keep each
/// set's order, and agree with `Shard`'s partition of the job's paths.
final class ShardedScoringSelectTests: XCTestCase {
    func testShardsCoverTheJobOnceInSetOrder() throws {
        func set(_ name: String, _ paths: [String]) -> ImageSet {
            ImageSet(
                name: name, root: "/r/\(name)", classes: [],
                images: paths.enumerated().map { LabeledImage(path: $1, label: $0 % 2, setName: name, className: nil) })
        }
        // Set order is not path order, and one set is empty.
        let sets = [
            set("b", ["/r/b/9.png", "/r/b/1.png", "/r/b/5.png"]), set("empty", []),
            set("a", ["/r/a/z.png", "/r/a/b.png", "/r/a/c.png", "/r/a/a.png"])
        ]
        let all = sets.flatMap { $0.images.map(\.path) }
        var seen = [Int](repeating: 0, count: all.count)
        for i in 0..<3 {
            let shard = try Shard(index: i, count: 3)
            let (parts, positions, fingerprint) = ShardedScoring.select(sets, shard: shard)
            XCTAssertEqual(fingerprint, Shard.fingerprint(all))
            XCTAssertEqual(positions, shard.select(all).sorted())
            XCTAssertEqual(parts.map(\.name), ["b", "empty", "a"])
            XCTAssertEqual(parts.flatMap { $0.images.map(\.path) }, positions.map { all[$0] }, "each set's images in the set's order")
            for p in positions { seen[p] += 1 }
        }
        XCTAssertEqual(seen, [Int](repeating: 1, count: all.count))
    }

    func testCSVFieldsRoundTripTheWriters() {
        XCTAssertEqual(ShardedScoring.csvFields("a,\"x,1\",\"say \"\"hi\"\"\",,"), ["a", "x,1", "say \"hi\"", "", ""])
        XCTAssertEqual(ShardedScoring.csvFields(""), [""])
    }
}
