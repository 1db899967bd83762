import ArgumentParser
import CNNSpot
import Foundation

/// `cnnspot merge SHARD_OUTPUTS... -o OUT`: the N outputs of a `detect --shard` job as one file.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the per-image outputs of the shards of one `detect --shard` job into what one run writes.",
        discussion: """
        Each SHARD_OUTPUT is a file written by `cnnspot detect --shard I/N -o FILE`, with the \
        FILE.shard.json it writes when done. Every shard 0..N-1 of the job must be given exactly \
        once (a missing, duplicated, unfinished or truncated shard, or one of another job, is an \
        error naming it). The result has the rows of an unsharded run over the same inputs, in \
        their sorted order. Exit status: 0 when merged, 1 on such an error.
        """)

    @Argument(help: "The shards' output files.")
    var shardOutputs: [String]

    @Option(name: [.short, .long], help: "The merged file.")
    var output: String

    func run() throws {
        do {
            let r = try ShardMerge.merge(outputs: shardOutputs)
            try Data(r.text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            printError("merge: \(r.shards) shard(s), \(r.rows) row(s)\(r.failedRows > 0 ? ", \(r.failedRows) with an error" : "") -> \(output)")
        } catch let e as ShardError {
            printError("merge: \(e)")
            throw ExitCode(1)
        }
    }
}
