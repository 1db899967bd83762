import Foundation

/// Where a run is: stored as the `training_state` JSON of every checkpoint, with the options,
/// so `--resume` continues exactly (same data order, augmentation draws, LR schedule).
public struct TrainingState: Codable, Sendable, Equatable {
    /// Optimiser steps taken in total (the reference's `total_steps`).
    public var step = 0
    /// The current epoch (0-based) and the next batch to run in it.
    public var epoch = 0
    public var batchInEpoch = 0
    /// The learning rate of the next step, as bits (JSON text need not round-trip a Double exactly).
    public var lrBits: UInt64
    /// Adam's per-parameter step counts (parameters without moments are absent).
    public var adamSteps: [String: Int] = [:]
    public var earlyStopping: EarlyStopping
    /// Running sums of the current epoch (for its log row).
    public var epochLossSum = 0.0
    public var epochBatches = 0
    public var epochImages = 0
    public var epochSeconds = 0.0
    /// Images skipped as unreadable so far.
    public var skippedImages = 0
    /// Set once early stopping ended the run.
    public var finished = false
    /// Validation accuracy of the best epoch so far, and which epoch.
    public var bestAccuracy: Double?
    public var bestEpoch: Int?

    public init(options: TrainOptions) {
        lrBits = options.lr.bitPattern
        earlyStopping = EarlyStopping(learningRate: options.lr, patience: options.earlystopEpoch)
    }

    public var lr: Double {
        get { Double(bitPattern: lrBits) }
        set { lrBits = newValue.bitPattern }
    }
}
