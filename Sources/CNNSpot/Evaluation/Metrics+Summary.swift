/// Every metric of one evaluation set, with `nil` where a metric is undefined and a note saying why.
public struct BinaryEvaluation: Sendable, Codable {
    public var count: Int, realCount: Int, fakeCount: Int
    /// scikit-learn `average_precision_score`.
    public var averagePrecision: Double?
    /// scikit-learn `roc_auc_score`.
    public var rocAUC: Double?
    /// Counts and accuracies at the fixed threshold (0.5 in the reference).
    public var atThreshold: ThresholdCounts
    public var equalErrorRate: EqualErrorRate?
    /// Highest TPR with FPR <= 1% and <= 5%.
    public var atFPR1Percent: OperatingPoint?
    public var atFPR5Percent: OperatingPoint?
    public var bestAccuracy: OperatingPoint?
    public var bestBalancedAccuracy: OperatingPoint?
    /// Why metrics are missing (e.g. "average precision is undefined: no fake sample ...").
    public var notes: [String]

    public init(_ data: LabeledScores, threshold: Double = 0.5) {
        count = data.count; realCount = data.realCount; fakeCount = data.fakeCount
        atThreshold = Metrics.counts(data, threshold: threshold)
        var notes: [String] = []
        func attempt<T>(_ f: () throws -> T) -> T? {
            do { return try f() } catch {
                let text = "\(error)"
                if !notes.contains(text) { notes.append(text) }
                return nil
            }
        }
        averagePrecision = attempt { try Metrics.averagePrecision(data) }
        rocAUC = attempt { try Metrics.rocAUC(data) }
        equalErrorRate = attempt { try Metrics.equalErrorRate(data) }
        atFPR1Percent = attempt { try Metrics.operatingPoint(data, maxFalsePositiveRate: 0.01) }
        atFPR5Percent = attempt { try Metrics.operatingPoint(data, maxFalsePositiveRate: 0.05) }
        bestAccuracy = attempt { try Metrics.bestAccuracy(data) }
        bestBalancedAccuracy = attempt { try Metrics.bestBalancedAccuracy(data) }
        self.notes = notes
    }
}
