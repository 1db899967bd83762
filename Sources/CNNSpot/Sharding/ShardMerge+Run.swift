import Foundation

extension ShardMerge {
    /// What `cnnspot merge` did: the table to print (eval and robustness), the lines for standard
    /// error (`warnings` come before the table, `notes` after it), and whether the merged job
    /// counts as failed (an eval with images it could not score).
    public struct Outcome {
        public var table = ""
        public var warnings: [String] = []
        public var notes: [String] = []
        public var failed = false
    }

    /// `cnnspot merge`'s work: `shardOutputs` are either the shard files of a detect job (joined
    /// into the file `output`) or the shard folders of an eval or robustness job (their metrics
    /// computed and written into the folder `output`, as one unsharded run writes them); a mix of
    /// both is an error.
    public static func run(_ shardOutputs: [String], into output: String) throws -> Outcome {
        var outcome = Outcome()
        let folders = shardOutputs.filter(ShardedScoring.isShardFolder)
        if folders.isEmpty {
            let r = try merge(outputs: shardOutputs)
            try Data(r.text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            outcome.notes.append("\(r.shards) shard(s), \(r.rows) row(s)\(r.failedRows > 0 ? ", \(r.failedRows) with an error" : "") -> \(output)")
            return outcome
        }
        guard folders.count == shardOutputs.count else {
            let files = shardOutputs.filter { !ShardedScoring.isShardFolder($0) }
            throw ShardError.invalid(
                "give the shard folders of an eval or robustness job, or the shard files of a detect job, not both (\(files[0]) is not a folder)")
        }
        let merged = try ShardedScoring.merge(folders: folders)
        var manifest = merged.manifest.manifest
        manifest.settings["merged_shards"] = "\(merged.manifest.shards)"
        let dir = URL(fileURLWithPath: output)
        let failed = merged.scores.reduce(0) { $0 + $1.reduce(0) { $0 + $1.filter { $0.error != nil }.count } }
        if merged.manifest.kind == "robustness" {
            let result = try merged.robustnessResult()
            try result.write(to: dir, manifest: manifest)
            outcome.warnings = result.warnings
            outcome.table = result.summaryTable()
        } else {
            let report = try merged.evalReport()
            try report.write(to: dir, manifest: manifest)
            outcome.table = report.table()
        }
        outcome.notes.append(
            "\(merged.manifest.shards) \(merged.manifest.kind) shard(s), \(merged.manifest.inputs_total) image(s) x \(merged.manifest.blocks.count) -> \(output)"
        )
        if failed > 0 {
            outcome.notes.append("\(failed) score(s) missing: the image could not be scored (see the error column of scores.csv)")
            outcome.failed = merged.manifest.kind == "eval"
        }
        return outcome
    }
}
