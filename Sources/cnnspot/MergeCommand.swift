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
            let outcome = try ShardMerge.run(shardOutputs, into: output)
            outcome.warnings.forEach { printError("merge: \($0)") }
            print(outcome.table, terminator: "")
            outcome.notes.forEach { printError("merge: \($0)") }
            if outcome.failed { throw ExitCode(1) }
        } catch let e as ShardError {
            printError("merge: \(e)")
            throw ExitCode(1)
        }
    }
}
