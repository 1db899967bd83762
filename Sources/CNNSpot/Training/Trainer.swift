import Foundation

/// CNNDetection's training loop (`train.py`) on the CPU: Adam on BCEWithLogits over batches of
/// augmented crops; after every epoch, validation (accuracy, AP) feeds `EarlyStopping`, which
/// lowers the learning rate or ends the run; checkpoints as `TrainingCheckpoint` describes.
///
/// Deterministic for a given seed and thread count: the epoch order comes from (seed, epoch), each
/// image's augmentation from (seed, epoch, position), and the full state (model, Adam, schedule,
/// position in the epoch) is in `latest.safetensors`, so a resumed run continues exactly.
public final class Trainer {
    public private(set) var options: TrainOptions
    public let model: TrainableResNet
    public let optimizer: Adam
    public internal(set) var state: TrainingState
    /// Where progress lines go (the CLI: standard error).
    public var report: (String) -> Void
    /// Draw a progress bar per epoch (only shown on a terminal).
    public var showProgress = true
    /// Set when the model came from `--init`, `--continue-from` or `--resume` (for the manifest).
    public private(set) var startedFrom: String?
    /// The MPI job this process is a rank of (`mpirun -np N cnnspot train`), or nil.
    public let distributed: Distributed?
    /// Time spent in the gradient all-reduce so far, and before it waiting for the slowest rank
    /// (seconds; 0 outside MPI).
    public internal(set) var allreduceSeconds: Double = 0
    public internal(set) var waitSeconds: Double = 0
    /// Only rank 0 writes the run's files (manifest, log, checkpoints).
    var writesFiles: Bool { distributed?.isRoot ?? true }

    /// Builds the model and optimiser: from `latest.safetensors` of the run (`resume`), a
    /// CNNDetection training checkpoint (`options.continueFrom`), ImageNet weights
    /// (`options.initPath`), or torchvision's random init. With `resume`, the options saved in the
    /// checkpoint are used, except the run controls (`threads`, `workers`, `maxSteps`, `maxEpochs`,
    /// `saveLatestFreq`, `lossFreq`, `dataroot`, `checkpointsDir`) taken from `options`.
    /// Without `resume`, a folder that already holds a run is refused unless `overwrite`
    /// (`prepareNewRun`); with it, `resumedOptions` decides the options (`explicitOptions`: the
    /// flags given on the command line, e.g. `--lr`, so a value equal to the default still counts).
    ///
    /// With `distributed`, every rank builds the same model and optimiser (from the same files or
    /// seed), and rank 0's parameters and buffers are then sent to all (as PyTorch DDP does).
    public init(
        options: TrainOptions, resume: Bool = false, overwrite: Bool = false, explicitOptions: Set<String>? = nil,
        distributed: Distributed? = nil,
        report: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) throws {
        try options.validate()
        self.report = report
        self.distributed = distributed
        let isRoot = distributed?.isRoot ?? true
        if resume {
            let path = (options.runDirectory as NSString).appendingPathComponent(TrainingCheckpoint.latest)
            guard FileManager.default.fileExists(atPath: path) else {
                throw TrainingError.badOption("--resume: no \(path) (nothing to resume; run without --resume to start)")
            }
            let c = try TrainingCheckpoint.read(path)
            let o = try Trainer.resumedOptions(saved: c.options, given: options, explicit: explicitOptions, checkpoint: path, report: report)
            self.options = o
            model = try TrainableResNet(ResNetSpec(o.architecture), seed: o.seed)
            do { try model.loadStateDict(c.stateDict, strict: true) } catch {
                throw TrainingError.badCheckpoint(file: path, problem: "\(error)")
            }
            optimizer = Adam(model.namedParameters, lr: c.state.lr, betas: (o.beta1, o.beta2))
            do { try optimizer.importState(c.moments) } catch {
                throw TrainingError.badCheckpoint(file: path, problem: "\(error)")
            }
            state = c.state
            startedFrom = path
            report(
                "resuming \(o.name) at step \(state.step), epoch \(state.epoch), batch \(state.batchInEpoch), lr \(state.lr) (training options from the checkpoint; run controls from the command line)"
            )
        } else if let path = options.continueFrom {
            if isRoot { try Trainer.prepareNewRun(options, overwrite: overwrite, report: report) }
            let start = try Trainer.continueFrom(path, options: options, report: report)
            (self.options, model, optimizer, state) = start
            startedFrom = path
        } else {
            if isRoot { try Trainer.prepareNewRun(options, overwrite: overwrite, report: report) }
            self.options = options
            model = try TrainableResNet(ResNetSpec(options.architecture), seed: options.seed)
            if let path = options.initPath {
                try Trainer.loadImageNet(path, into: model)
                startedFrom = path
            }
            // CNNDetection's new head: fc.weight ~ N(0, init_gain 0.02); bias keeps nn.Linear's init.
            model.resetHead(std: 0.02, seed: options.seed &+ 1)
            optimizer = Adam(model.namedParameters, lr: options.lr, betas: (options.beta1, options.beta2))
            state = TrainingState(options: options)
        }
        // The options the run trains with (a resumed run's are the saved ones plus the run
        // controls given): checked again as a whole.
        try self.options.validate()
        if let d = distributed, self.options.batchSize < d.size * (self.options.microBatches ?? 1) {
            throw TrainingError.badOption(
                "--batch-size \(self.options.batchSize) is smaller than \(d.size) ranks x \(self.options.microBatches ?? 1) micro-batch(es): every part needs an image (the batch size is global, split over the ranks)"
            )
        }
        if let d = distributed, d.size > 1 {
            try Trainer.broadcastState(model, from: d)
            if self.options.syncBatchNorm == true { model.synchronizeBatchNorm(d) }
        }
    }

    /// One optimiser step on a batch (`x` `[N, 3, H, W]` normalised, labels 0/1): zero grads,
    /// forward, BCEWithLogits, backward, Adam at the current learning rate. Returns the loss.
    @discardableResult
    public func step(_ x: HostTensor, labels: [Float]) throws -> Float {
        try compute.bind { try stepBound(x, labels: labels) }
    }

    /// `step(_:labels:)` inside a bind already made (`run`'s).
    func stepBound(_ x: HostTensor, labels: [Float]) throws -> Float {
        optimizer.lr = state.lr
        let (loss, _) = try model.trainingStep(x, labels: labels)
        try optimizer.step()
        state.step += 1
        return loss
    }

    /// What the run computes with, bound around `run`, `step` and `validate`: the options bound
    /// by the caller (the layout preference, say) with `options.threads` (nil: the caller's, by
    /// default all cores). The initialiser's loading and copying run with the caller's options.
    public var compute: ComputeOptions {
        var c = ComputeOptions.current
        if let t = options.threads { c.threads = max(1, t) }
        return c
    }

    /// What a finished `run()` did.
    public struct Summary: Sendable {
        public var steps: Int
        public var epochs: [EpochRecord]
        /// "early stopping", "max steps", "max epochs" or "already finished".
        public var stoppedBy: String
        public var skippedImages: Int
        public var runDirectory: String
    }

    /// Saves `latest.safetensors` with the current state (rank 0 of a distributed run only).
    public func saveLatest() throws {
        guard writesFiles else { return }
        state.adamSteps = optimizer.exportState().mapValues(\.step)
        try TrainingCheckpoint.write(
            to: path(TrainingCheckpoint.latest), model: model, optimizer: optimizer,
            state: state, options: options)
    }

    func path(_ file: String) -> String { (options.runDirectory as NSString).appendingPathComponent(file) }
}
