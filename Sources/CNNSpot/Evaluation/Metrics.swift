import Foundation

/// Why a metric could not be computed.
public enum MetricsError: Error, Equatable, CustomStringConvertible {
    /// `scores` and `labels` differ in length.
    case lengthMismatch(scores: Int, labels: Int)
    /// No samples at all.
    case empty
    /// A label other than 0 (real) or 1 (fake).
    case invalidLabel(index: Int, value: Int)
    /// A NaN or infinite score.
    case nonFiniteScore(index: Int, value: Double)
    /// The metric is not defined for these labels (e.g. only one class present).
    /// `reason` says why and what scikit-learn does in that case.
    case undefined(metric: String, reason: String)
    /// A parameter (a target rate, a threshold) is out of range.
    case invalidParameter(String)

    public var description: String {
        switch self {
        case let .lengthMismatch(s, l): return "metrics: \(s) scores but \(l) labels"
        case .empty: return "metrics: no samples"
        case let .invalidLabel(i, v): return "metrics: label \(v) at index \(i) is neither 0 (real) nor 1 (fake)"
        case let .nonFiniteScore(i, v): return "metrics: score \(v) at index \(i) is not finite"
        case let .undefined(m, r): return "metrics: \(m) is undefined: \(r)"
        case let .invalidParameter(m): return "metrics: \(m)"
        }
    }
}

/// Scores and binary labels of one evaluation set, checked once.
///
/// `scores[i]` is the detector's probability (or any monotone score) that sample `i` is fake;
/// `labels[i]` is 0 for real (`0_real`) and 1 for fake (`1_fake`), as in CNNDetection.
public struct LabeledScores: Sendable, Equatable {
    public let scores: [Double]
    public let labels: [Int]
    /// Number of samples with label 0 / label 1.
    public let realCount: Int
    public let fakeCount: Int

    public init(scores: [Double], labels: [Int]) throws {
        guard scores.count == labels.count else {
            throw MetricsError.lengthMismatch(scores: scores.count, labels: labels.count)
        }
        guard !scores.isEmpty else { throw MetricsError.empty }
        var fakes = 0
        for (i, l) in labels.enumerated() {
            guard l == 0 || l == 1 else { throw MetricsError.invalidLabel(index: i, value: l) }
            fakes += l
        }
        for (i, s) in scores.enumerated() where !s.isFinite {
            throw MetricsError.nonFiniteScore(index: i, value: s)
        }
        self.scores = scores
        self.labels = labels
        self.fakeCount = fakes
        self.realCount = labels.count - fakes
    }

    /// Float scores (e.g. `sigmoid` outputs) are widened exactly to Double.
    public init(scores: [Float], labels: [Int]) throws {
        try self.init(scores: scores.map(Double.init), labels: labels)
    }

    public var count: Int { scores.count }
    public var hasBothClasses: Bool { realCount > 0 && fakeCount > 0 }
}

/// Ranking metrics computed exactly as scikit-learn 1.9 does (`sklearn.metrics._ranking`).
public enum Metrics {
    /// Average precision as `sklearn.metrics.average_precision_score(labels, scores)`:
    /// `AP = sum_n (R_n - R_{n-1}) P_n` over the precision-recall points at each distinct score
    /// (ties form one point), no interpolation.
    ///
    /// With no fake sample scikit-learn warns ("No positive class found in y_true") and returns 0;
    /// here that throws `MetricsError.undefined`. With no real sample the value is defined (1.0).
    public static func averagePrecision(_ data: LabeledScores) throws -> Double {
        guard data.fakeCount > 0 else {
            throw MetricsError.undefined(
                metric: "average precision",
                reason:
                    "no fake (label 1) sample, so recall is undefined (scikit-learn warns and returns 0.0)")
        }
        let c = ThresholdCurve(data)
        // Walk from the highest threshold down: recall rises from 0 to 1 in steps.
        var ap = 0.0
        var previousRecall = 0.0
        for k in 0..<c.thresholds.count {
            let tp = Double(c.truePositives[k]), fp = Double(c.falsePositives[k])
            let recall = tp / Double(data.fakeCount)
            let precision = tp / (tp + fp)
            ap += (recall - previousRecall) * precision
            previousRecall = recall
        }
        return max(0, ap)
    }

    /// Area under the ROC curve as `sklearn.metrics.roc_auc_score(labels, scores)`: the trapezoid
    /// area under the ROC points (tied scores form one point, so ties count one half).
    ///
    /// Undefined (scikit-learn warns and returns NaN) when only one class is present: throws.
    public static func rocAUC(_ data: LabeledScores) throws -> Double {
        let roc = try rocCurve(data)
        var area = 0.0
        for k in 1..<roc.falsePositiveRates.count {
            let dx = roc.falsePositiveRates[k] - roc.falsePositiveRates[k - 1]
            area += dx * (roc.truePositiveRates[k] + roc.truePositiveRates[k - 1]) / 2
        }
        return area
    }

    public static func averagePrecision(scores: [Double], labels: [Int]) throws -> Double {
        try averagePrecision(LabeledScores(scores: scores, labels: labels))
    }

    public static func averagePrecision(scores: [Float], labels: [Int]) throws -> Double {
        try averagePrecision(LabeledScores(scores: scores, labels: labels))
    }

    public static func rocAUC(scores: [Double], labels: [Int]) throws -> Double {
        try rocAUC(LabeledScores(scores: scores, labels: labels))
    }

    public static func rocAUC(scores: [Float], labels: [Int]) throws -> Double {
        try rocAUC(LabeledScores(scores: scores, labels: labels))
    }
}
