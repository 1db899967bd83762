/// Confusion counts and accuracies when `score > threshold` means fake, as the reference's
/// `accuracy_score(y_true, y_pred > 0.5)`.
public struct ThresholdCounts: Sendable, Equatable, Codable {
    public var threshold: Double
    public var truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int
    /// Fraction of all samples classified correctly.
    public var accuracy: Double
    /// Fraction of reals with `score <= threshold`; nil without reals.
    public var realAccuracy: Double?
    /// Fraction of fakes with `score > threshold`; nil without fakes.
    public var fakeAccuracy: Double?
    /// Mean of real and fake accuracy (`balanced_accuracy_score`); nil unless both classes exist.
    public var balancedAccuracy: Double?
}

/// One operating point of the detector. `threshold` is in the same convention as
/// `ThresholdCounts`: predicting fake for `score > threshold` reproduces the rates exactly
/// (it is a score value of the set, or just below the lowest score when everything is fake).
public struct OperatingPoint: Sendable, Equatable, Codable {
    public var threshold: Double
    public var falsePositiveRate: Double
    public var truePositiveRate: Double
    public var accuracy: Double
    public var balancedAccuracy: Double
}

/// The equal error rate: where the ROC polyline, linearly interpolated between its points
/// (`drop_intermediate=False`), crosses FPR = FNR = 1 - TPR.
public struct EqualErrorRate: Sendable, Equatable, Codable {
    public var rate: Double
    /// The threshold (`score > threshold` is fake) of the first ROC point with FPR >= FNR.
    public var threshold: Double
}

extension Metrics {
    /// Counts at `threshold` with `score > threshold` predicted fake.
    public static func counts(_ data: LabeledScores, threshold: Double = 0.5) -> ThresholdCounts {
        var tp = 0, fp = 0
        for (s, l) in zip(data.scores, data.labels) where s > threshold {
            if l == 1 { tp += 1 } else { fp += 1 }
        }
        let tn = data.realCount - fp, fn = data.fakeCount - tp
        let realAcc = data.realCount > 0 ? Double(tn) / Double(data.realCount) : nil
        let fakeAcc = data.fakeCount > 0 ? Double(tp) / Double(data.fakeCount) : nil
        var balanced: Double? = nil
        if let r = realAcc, let f = fakeAcc { balanced = (r + f) / 2 }
        return ThresholdCounts(
            threshold: threshold, truePositives: tp, falsePositives: fp,
            trueNegatives: tn, falseNegatives: fn,
            accuracy: Double(tp + tn) / Double(data.count),
            realAccuracy: realAcc, fakeAccuracy: fakeAcc, balancedAccuracy: balanced)
    }

    /// Equal error rate; see `EqualErrorRate` for the convention. Throws with one class only.
    public static func equalErrorRate(_ data: LabeledScores) throws -> EqualErrorRate {
        let roc = try rocCurve(data)
        let fpr = roc.falsePositiveRates, tpr = roc.truePositiveRates
        // g = FPR - FNR rises from -1 at (0,0) to +1 at (1,1) along the curve.
        func g(_ k: Int) -> Double { fpr[k] + tpr[k] - 1 }
        let i = fpr.indices.first { g($0) >= 0 } ?? fpr.count - 1
        var rate = fpr[i]
        if i > 0 && g(i) > 0 {
            let t = -g(i - 1) / (g(i) - g(i - 1))
            rate = fpr[i - 1] + t * (fpr[i] - fpr[i - 1])
        }
        return EqualErrorRate(rate: rate, threshold: strictThreshold(roc, point: i))
    }

    /// The ROC point with the highest TPR whose FPR is at most `maxFalsePositiveRate`
    /// (no interpolation between points: the rate is achievable by a threshold). Its threshold
    /// is also the lowest threshold whose FPR stays within the target (calibration for a target
    /// false-alarm rate on the reals).
    public static func operatingPoint(_ data: LabeledScores, maxFalsePositiveRate target: Double) throws -> OperatingPoint {
        guard target >= 0 && target <= 1 else {
            throw MetricsError.invalidParameter("target false positive rate \(target) is not in [0, 1]")
        }
        let roc = try rocCurve(data)
        // Rates are non-decreasing along the curve, so the last admissible point has the highest TPR.
        let k = roc.falsePositiveRates.lastIndex { $0 <= target } ?? 0
        return point(roc, k, data)
    }

    /// The threshold with the best balanced accuracy ((TPR + TNR) / 2); among ties the highest
    /// threshold (fewest images called fake).
    public static func bestBalancedAccuracy(_ data: LabeledScores) throws -> OperatingPoint {
        let roc = try rocCurve(data)
        let k = best(roc.falsePositiveRates.indices) { point(roc, $0, data).balancedAccuracy }
        return point(roc, k, data)
    }

    /// The threshold with the best plain accuracy (an oracle: it looks at the labels); ties as above.
    public static func bestAccuracy(_ data: LabeledScores) throws -> OperatingPoint {
        let roc = try rocCurve(data)
        let k = best(roc.falsePositiveRates.indices) { point(roc, $0, data).accuracy }
        return point(roc, k, data)
    }

    private static func best(_ range: Range<Int>, _ value: (Int) -> Double) -> Int {
        var bestK = range.lowerBound, bestV = -Double.infinity
        for k in range { let v = value(k); if v > bestV { bestV = v; bestK = k } }
        return bestK
    }

    private static func point(_ roc: ROCCurve, _ k: Int, _ data: LabeledScores) -> OperatingPoint {
        let fpr = roc.falsePositiveRates[k], tpr = roc.truePositiveRates[k]
        let correct = roc.truePositives[k] + data.realCount - roc.falsePositives[k]
        return OperatingPoint(
            threshold: strictThreshold(roc, point: k), falsePositiveRate: fpr,
            truePositiveRate: tpr, accuracy: Double(correct) / Double(data.count),
            balancedAccuracy: (tpr + 1 - fpr) / 2)
    }

    /// ROC point `k` predicts fake for `score >= thresholds[k]`; the same set is `score > t` with
    /// `t` the next lower distinct score, or just below the minimum for the last point.
    private static func strictThreshold(_ roc: ROCCurve, point k: Int) -> Double {
        k + 1 < roc.thresholds.count ? roc.thresholds[k + 1] : roc.thresholds[k].nextDown
    }
}
