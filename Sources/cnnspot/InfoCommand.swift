import ArgumentParser
import CNNSpot

/// `cnnspot info FILE [--json]`
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a checkpoint's format, metadata, training state and tensors (key, dtype, shape).")

    @Argument(help: "A .pth (zip or legacy) or .safetensors file.")
    var file: String

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let summary = CheckpointSummary(path: file, checkpoint: try naming(file) { try Checkpoint.load(path: file) })
        print(json ? try summary.json() : summary.table())
    }
}
