import ArgumentParser
import CNNSpot
import Foundation

/// `cnnspot merge SHARD_OUTPUTS... -o OUT`: the N parts of a `detect`, `eval` or `robustness`
/// job run with `--shard` as what one run writes.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the outputs of the shards of one `detect`, `eval` or `robustness --shard` job into what one run writes.",
        discussion: """
            detect: each SHARD_OUTPUT is a file written by `cnnspot detect --shard I/N -o FILE`, with \
            the FILE.shard.json it writes when done; -o is the merged file, the rows of an unsharded \
            run in their sorted order. eval and robustness: each SHARD_OUTPUT is the -o folder of a \
            shard (its scores.csv and shard.json); -o is the folder of the merged run, with every \
            file an unsharded run writes, its metrics computed from all the scores. Every shard \
            0..N-1 of the job must be given exactly once (a missing, duplicated, unfinished or \
            truncated shard, or one of another job, is an error naming it). Exit status: 0 when \
            merged; 1 on such an error, or, for eval (as eval itself), when an image of the job could not \
            be scored.
            """)

    @Argument(help: "The shards' output files (detect) or folders (eval, robustness).")
    var shardOutputs: [String]

    @Option(name: [.short, .long], help: "The merged file (detect) or folder (eval, robustness).")
    var output: String

    func run() throws {
        do {
            let folders = shardOutputs.filter(ShardedScoring.isShardFolder)
            if folders.isEmpty {
                let r = try ShardMerge.merge(outputs: shardOutputs)
                try Data(r.text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                printError("merge: \(r.shards) shard(s), \(r.rows) row(s)\(r.failedRows > 0 ? ", \(r.failedRows) with an error" : "") -> \(output)")
                return
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
                result.warnings.forEach { printError("merge: \($0)") }
                print(result.summaryTable(), terminator: "")
            } else {
                let report = try merged.evalReport()
                try report.write(to: dir, manifest: manifest)
                print(report.table(), terminator: "")
            }
            printError(
                "merge: \(merged.manifest.shards) \(merged.manifest.kind) shard(s), \(merged.manifest.inputs_total) image(s) x \(merged.manifest.blocks.count) -> \(output)"
            )
            if failed > 0 {
                printError("merge: \(failed) score(s) missing: the image could not be scored (see the error column of scores.csv)")
                if merged.manifest.kind == "eval" { throw ExitCode(1) }
            }
        } catch let e as ShardError {
            printError("merge: \(e)")
            throw ExitCode(1)
        }
    }
}
