import ArgumentParser
import CNNSpot
import Foundation

/// `cnnspot detect INPUT... -m MODEL`: the main job.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Score images: the probability that each is CNN-generated.",
        discussion: """
            INPUT is a file, a folder (searched recursively), a glob ('imgs/**/*.png'), @list.txt \
            (one input per line) or - (paths on standard input). Images of different sizes are \
            batched by size and scored at full resolution (or center-cropped with --crop 224). \
            One row per image is written as soon as it is scored; a file that cannot be read gets \
            a row with its error and the others are still scored. Exit status: 0 when every input \
            was scored, 1 when any failed, 64 on a usage error.
            Without -m, the shipped default model scores (models/default.safetensors of the \
            installation; docs/MODEL_CARD.md says what it was trained on and its limits). Each row \
            has the probability, the logit, the label at the threshold and the verdict: real, fake, \
            or uncertain inside the model's uncertain band (--threshold replaces both by a plain \
            two-way threshold). -m none prints what each image is (size, format) and no score.
            """)

    @Argument(help: "Images: files, folders, globs, @list.txt, or - for paths on stdin.")
    var inputs: [String]

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var preprocess: PreprocessOptions

    @OptionGroup var decision: ThresholdOption

    @Option(help: "Output format: csv, jsonl or table (default: table on a terminal, csv otherwise).")
    var format: RecordWriter.Format?

    @Option(name: [.short, .long], help: "Write the rows to this file instead of standard output.")
    var output: String?

    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one input (file, folder, glob, @list or -)") }
        if sharding.shard != nil {
            if output == nil { throw ValidationError("--shard needs -o FILE (the shard's rows, and FILE.shard.json for cnnspot merge)") }
            if format == .table { throw ValidationError("--shard writes csv or jsonl (merge joins them), not table") }
        }
    }

    func run() throws {
        var (items, notices) = ImageInputs().expandWithNotices(inputs)
        notices.forEach { printError("detect: note: \($0)") }
        var shardManifest: ShardManifest?
        let chosen = format ?? (output == nil && isatty(STDOUT_FILENO) != 0 ? .table : .csv)
        if let s = try sharding.resolved() {
            let (picked, fingerprint) = s.split(items.map(\.shardKey))
            shardManifest = ShardManifest(
                shard: s, fingerprint: fingerprint, total: items.count,
                rows: picked.count, format: chosen.rawValue)
            printError("detect: shard \(s): \(picked.count) of \(items.count) input(s)")
            items = picked.map { items[$0] }
        }
        let detector = try modelOptions.loadDetector(required: false)
        let sink = try OutputSink(path: output)
        let writer = RecordWriter(format: chosen) { sink.write($0) }
        let progress = ProgressBar(total: items.count, label: "detect")
        if detector == nil {
            printError(
                modelOptions.model == "none"
                    ? "detect: -m none: listing image facts only, no scores."
                    : "detect: no model (-m MODEL, and no default model beside the installation): listing image facts only, no scores.")
        }
        var job = DetectionRun()
        job.preprocessing = preprocess.preprocessing
        job.threshold = decision.threshold
        job.decodeOptions = preprocess.decodeOptions
        job.batchSize = modelOptions.batchSize
        let failures = job.run(items, detector: detector) { r in
            progress.above { writer.write(r) }
            progress.advance()
        }
        progress.finish()
        sink.close()
        if let shardManifest, let output {
            do { try shardManifest.write(beside: output) } catch {
                printError("detect: cannot write \(ShardManifest.path(for: output)): \(error.localizedDescription)")
                throw ExitCode(1)
            }
        }
        if failures > 0 {
            printError("detect: \(failures) of \(items.count) input(s) failed (see their error column)")
            throw ExitCode(1)
        }
    }
}

extension RecordWriter.Format: ExpressibleByArgument {}

/// Standard output or a file, written line by line.
final class OutputSink {
    private let handle: FileHandle
    private let isFile: Bool

    init(path: String?) throws {
        if let path {
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let h = FileHandle(forWritingAtPath: path)
            else {
                throw ValidationError("cannot write \(path)")
            }
            handle = h
            isFile = true
        } else {
            handle = FileHandle.standardOutput
            isFile = false
        }
    }

    func write(_ line: String) { handle.write(Data(line.utf8)) }

    func close() { if isFile { try? handle.close() } }
}
