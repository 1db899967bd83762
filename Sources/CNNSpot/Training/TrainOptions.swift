import Foundation

/// Everything that defines a training run: CNNDetection's `options/{base,train}_options.py`
/// (same defaults: batch 64, lr 1e-4, beta1 0.9, earlystop_epoch 5, save_latest_freq 2000,
/// loss_freq 400, loadSize 256, cropSize 224, blur/JPEG off, rz_interp bilinear) plus what a CPU
/// run needs (threads, loader workers, step/val caps, seed). Codable: stored in every checkpoint
/// so `--resume` continues with the same settings.
public struct TrainOptions: Codable, Sendable, Equatable {
    /// ForenSynths root holding `train/` and `val/` (each one multi-class set).
    public var dataroot: String
    /// Run name: checkpoints and logs go to `<checkpointsDir>/<name>/`.
    public var name: String
    public var checkpointsDir = "checkpoints"
    public var architecture: ResNetSpec.Architecture = .resnet50
    /// Class folders to use (`--classes`); nil = all.
    public var classes: [String]?
    /// `--class_bal`: sample with replacement, weight 1 / (count of the sample's label).
    public var classBalance = false
    public var batchSize = 64
    public var lr = 1e-4
    public var beta1 = 0.9
    public var beta2 = 0.999
    public var earlystopEpoch = 5
    /// Stop after this many epochs (the reference's `niter`); nil = until early stopping ends it.
    public var maxEpochs: Int?
    /// Stop after this many optimiser steps in total (smoke runs, tests); nil = no cap.
    public var maxSteps: Int?
    public var seed: UInt64 = 0
    /// oneDNN threads (nil = all cores).
    public var threads: Int?
    /// Data-loading threads.
    public var workers = 2
    /// Cut each batch into this many parts, each a forward/backward of its own (BatchNorm
    /// statistics per part, as per rank in data-parallel training), gradients averaged over the
    /// batch before one Adam step; nil = 1 (the whole batch at once). A run control: `--resume`
    /// takes it from the command line, as the number of MPI ranks.
    public var microBatches: Int?
    /// `--sync-bn`: under MPI, BatchNorm's training statistics over the global batch (every
    /// rank's part), as one process computing the whole batch; nil = off (per-rank statistics).
    /// A training option (saved; `--resume` keeps it). No effect in one process.
    public var syncBatchNorm: Bool?
    public var saveLatestFreq = 2000
    public var lossFreq = 400
    /// Use at most this many validation images (a fixed seeded subset); nil = all.
    public var valMax: Int?
    /// ImageNet weights (torchvision state dict) to start from; all but `fc` are loaded.
    public var initPath: String?
    /// A CNNDetection training checkpoint (`{'model', 'optimizer', 'total_steps'}`) to continue.
    public var continueFrom: String?

    // Data augmentation (CNNDetection `data/datasets.py`).
    public var loadSize = 256
    public var cropSize = 224
    public var noFlip = false
    public var interpolations: [Interpolation] = [.bilinear]
    public var blurProb = 0.0
    /// One value, or a range `[a, b]`.
    public var blurSigma: [Double] = [0.5]
    public var jpegProb = 0.0
    /// One value, a range `[lo, hi]` (inclusive, as the reference expands two values), or a list.
    public var jpegQuality: [Int] = [75]
    public var jpegMethods: [JPEGMethod] = [.cv2]

    public init(dataroot: String, name: String) {
        self.dataroot = dataroot
        self.name = name
    }

    /// The run's output folder.
    public var runDirectory: String { (checkpointsDir as NSString).appendingPathComponent(name) }

    /// The training transform (random crop, flip unless `noFlip`).
    public func augmentation() -> AugmentationOptions {
        var o = AugmentationOptions()
        o.loadSize = loadSize
        o.interpolations = interpolations
        o.blurProb = blurProb
        o.blurSigma = blurSigma
        o.jpegProb = jpegProb
        // The reference: two values are an inclusive range, otherwise the list as given.
        o.jpegQualities =
            jpegQuality.count == 2
            ? Array(min(jpegQuality[0], jpegQuality[1])...max(jpegQuality[0], jpegQuality[1]))
            : jpegQuality
        o.jpegMethods = jpegMethods
        o.crop = .random(cropSize)
        o.flip = !noFlip
        return o
    }

    /// Checks values the run could not work with; the error names the option.
    public func validate() throws {
        func fail(_ m: String) -> TrainingError { .badOption(m) }
        if name.isEmpty || name.contains("/") { throw fail("--name must be a plain folder name, got '\(name)'") }
        if !(1...4096).contains(batchSize) { throw fail("--batch-size \(batchSize) must be within 1...4096") }
        if !(lr > 0 && lr < 1) { throw fail("--lr \(lr) must be in (0, 1)") }
        if !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) { throw fail("--beta1 \(beta1) must be in [0, 1)") }
        if earlystopEpoch < 1 { throw fail("--earlystop-epoch must be at least 1") }
        if let m = maxEpochs, m < 1 { throw fail("--max-epochs must be at least 1") }
        if let m = maxSteps, m < 1 { throw fail("--max-steps must be at least 1") }
        if let t = threads, t < 1 { throw fail("--threads must be at least 1") }
        if !(1...64).contains(workers) { throw fail("--workers \(workers) must be within 1...64") }
        if let m = microBatches, !(1...batchSize).contains(m) { throw fail("--micro-batches \(m) must be within 1...\(batchSize) (the batch size)") }
        if syncBatchNorm == true, (microBatches ?? 1) > 1 {
            throw fail("--sync-bn and --micro-batches exclude each other (micro-batches run one after another: their statistics cannot be shared)")
        }
        if saveLatestFreq < 1 { throw fail("--save-latest-freq must be at least 1") }
        if lossFreq < 1 { throw fail("--loss-freq must be at least 1") }
        if let v = valMax, v < 2 { throw fail("--val-max must be at least 2") }
        if cropSize < 32 { throw fail("--crop-size \(cropSize) must be at least 32 (ResNet input)") }
        if cropSize > loadSize { throw fail("--crop-size \(cropSize) is larger than --load-size \(loadSize)") }
        if initPath != nil && continueFrom != nil { throw fail("--init and --continue-from exclude each other") }
        if let c = classes, c.isEmpty { throw fail("--classes is empty") }
        do { try augmentation().validate() } catch { throw fail("\(error)") }
    }
}

extension Interpolation: Codable {}
extension JPEGMethod: Codable {}
extension ResNetSpec.Architecture: Codable {}
