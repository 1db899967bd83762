import Foundation

/// What a calibrated threshold should achieve on a labelled set.
public enum CalibrationTarget: Equatable, Sendable, CustomStringConvertible {
    /// The best balanced accuracy ((TPR + TNR) / 2), `Metrics.bestBalancedAccuracy`.
    case bestBalanced
    /// The lowest threshold whose false-positive rate on the reals stays within the rate,
    /// i.e. the highest TPR at that FPR (`Metrics.operatingPoint`).
    case falsePositiveRate(Double)

    /// Parses `best-balanced` or `fpr:RATE` with RATE in [0, 1] (e.g. `fpr:0.05`).
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "best-balanced" { self = .bestBalanced; return }
        if t.hasPrefix("fpr:"), let v = Double(t.dropFirst(4)), v >= 0, v <= 1 {
            self = .falsePositiveRate(v); return
        }
        throw CalibrationError.badTarget(text)
    }

    public var description: String {
        switch self {
        case .bestBalanced: return "best-balanced"
        case .falsePositiveRate(let r): return "fpr:\(r)"
        }
    }
}

public enum CalibrationError: Error, CustomStringConvertible {
    case badTarget(String)
    case notEnoughData(String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .badTarget(let t): return "calibrate: target '\(t)' is neither 'best-balanced' nor 'fpr:RATE' with RATE in [0, 1]"
        case .notEnoughData(let m): return "calibrate: \(m)"
        case let .io(p, r): return "calibrate: cannot write \(p): \(r)"
        }
    }
}

/// A fitted threshold and what it changes on the calibration set.
public struct CalibrationResult: Sendable, Codable {
    public var target: String
    /// The threshold stored in the model (`probability > threshold` is fake), in (0, 1).
    public var threshold: Double
    /// The model's threshold before (its metadata `threshold`, else 0.5).
    public var previousThreshold: Double
    /// Counts and accuracies on the set at the previous and at the stored threshold.
    public var before: ThresholdCounts
    public var after: ThresholdCounts
    /// The operating point the target picked (before any clamping into (0, 1)).
    public var operatingPoint: OperatingPoint
    /// Why the stored threshold differs from the operating point's, if it does.
    public var note: String?
}

/// Threshold calibration: the reference scores are badly calibrated on unseen generators
/// (accuracy at 0.5 far below AP, SPEC "Reference results"); a threshold fitted on a labelled
/// set from the target domain fixes the operating point.
public enum Calibration {
    /// Fits the threshold for `target` on `data`. The stored threshold must be a probability
    /// strictly inside (0, 1) (`Detector.load` refuses others): an operating point outside is
    /// moved to the nearest such value, `after` is counted at the stored threshold and `note`
    /// says so.
    public static func fit(_ data: LabeledScores, target: CalibrationTarget, previousThreshold: Double) throws -> CalibrationResult {
        guard data.hasBothClasses else {
            throw CalibrationError.notEnoughData("the set needs real and fake images (got \(data.realCount) real, \(data.fakeCount) fake)")
        }
        let point: OperatingPoint
        switch target {
        case .bestBalanced: point = try Metrics.bestBalancedAccuracy(data)
        case .falsePositiveRate(let r): point = try Metrics.operatingPoint(data, maxFalsePositiveRate: r)
        }
        var threshold = point.threshold
        var note: String?
        let lowest = Double.leastNonzeroMagnitude, highest = (1.0).nextDown
        if !(threshold >= lowest) || threshold > highest {
            let clamped = min(max(threshold.isNaN ? 0.5 : threshold, lowest), highest)
            note = "the operating point's threshold \(threshold) is outside (0, 1); stored \(clamped) instead"
            threshold = clamped
        }
        let after = Metrics.counts(data, threshold: threshold)
        if note != nil,
            after.truePositives != Int((point.truePositiveRate * Double(data.fakeCount)).rounded())
                || after.falsePositives != Int((point.falsePositiveRate * Double(data.realCount)).rounded())
        {
            note! += " (which changes the rates: see 'after')"
        }
        return CalibrationResult(
            target: target.description, threshold: threshold, previousThreshold: previousThreshold,
            before: Metrics.counts(data, threshold: previousThreshold), after: after,
            operatingPoint: point, note: note)
    }

    /// The uncertain band around `threshold` for an error `rate` on `data`: its upper end is the
    /// lowest threshold whose false-positive rate is at most `rate` (above it, at most that share
    /// of the reals), its lower end the highest threshold at or below which at most `rate` of
    /// the fakes fall. Each end is widened to include `threshold`, so the band always holds it,
    /// and kept inside (0, 1). Scores `> high` are fake, `<= low` real (`Verdict.Rule`).
    public static func uncertainBand(_ data: LabeledScores, threshold: Double, rate: Double) throws -> ClosedRange<Double> {
        guard data.hasBothClasses else {
            throw CalibrationError.notEnoughData("the band needs real and fake images (got \(data.realCount) real, \(data.fakeCount) fake)")
        }
        guard rate >= 0, rate < 1 else { throw CalibrationError.notEnoughData("band rate \(rate) is not in [0, 1)") }
        let high = try Metrics.operatingPoint(data, maxFalsePositiveRate: rate).threshold
        let fakes = zip(data.scores, data.labels).filter { $0.1 == 1 }.map(\.0).sorted()
        let allowed = Int((rate * Double(fakes.count)).rounded(.down))
        // Fakes strictly below fakes[allowed] are at most `allowed`.
        let low = fakes[min(allowed, fakes.count - 1)].nextDown
        let lowest = Double.leastNonzeroMagnitude, highest = (1.0).nextDown
        let l = min(max(min(low, threshold), lowest), highest)
        let h = min(max(max(high, threshold), lowest), highest)
        return l...max(l, h)
    }
}
