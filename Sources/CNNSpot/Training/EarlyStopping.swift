/// CNNDetection's validation-driven schedule (`earlystop.py` + `train.py`): after each
/// epoch the validation accuracy is compared with the best so far; an epoch counts as
/// "no improvement" unless it beats the best by more than `minDelta` (0.1%, then 0.2%
/// after the first drop). After `patience` such epochs the learning rate is divided by 10
/// and the counter restarts; training stops when the rate would fall below `minLR`.
public struct EarlyStopping: Codable, Sendable, Equatable {
    public var patience: Int
    public var minDelta: Double
    public var bestScore: Double?
    public var counter = 0
    public var learningRate: Double
    public var minLR: Double
    /// Accuracy threshold to beat after each drop (the reference passes delta -0.001 then -0.002).
    public var deltaAfterDrop: Double

    public enum Decision: Equatable, Sendable {
        /// Keep going; `isBest` says the epoch's model is the best so far (save it as "best").
        case `continue`(isBest: Bool)
        /// The learning rate was divided by 10.
        case lowerLearningRate(to: Double)
        /// The next rate would be below `minLR`: stop.
        case stop
    }

    public init(
        learningRate: Double, patience: Int = 5, minDelta: Double = 0.001,
        deltaAfterDrop: Double = 0.002, minLR: Double = 1e-6
    ) {
        self.learningRate = learningRate
        self.patience = patience
        self.minDelta = minDelta
        self.deltaAfterDrop = deltaAfterDrop
        self.minLR = minLR
    }

    /// Feed one epoch's validation accuracy.
    public mutating func step(score: Double) -> Decision {
        var isBest = false
        if let best = bestScore, score < best + minDelta {
            counter += 1
        } else {
            bestScore = score
            counter = 0
            isBest = true
        }
        guard counter >= patience else { return .continue(isBest: isBest) }
        let next = learningRate / 10
        if next < minLR { return .stop }
        learningRate = next
        // The reference starts a new EarlyStopping: best score and counter forgotten.
        bestScore = nil
        counter = 0
        minDelta = deltaAfterDrop
        return .lowerLearningRate(to: next)
    }
}
