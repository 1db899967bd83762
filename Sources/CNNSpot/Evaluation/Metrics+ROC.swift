/// Receiver operating characteristic points, as `sklearn.metrics.roc_curve(labels, scores,
/// drop_intermediate=False)`: point 0 is (0, 0) with threshold `+infinity`; point `k >= 1`
/// predicts fake for `score >= thresholds[k]`, thresholds strictly decreasing.
public struct ROCCurve: Sendable, Equatable {
    public var falsePositiveRates: [Double]
    public var truePositiveRates: [Double]
    public var thresholds: [Double]
    /// Counts behind the rates (same indices).
    public var falsePositives: [Int]
    public var truePositives: [Int]
}

extension Metrics {
    /// The ROC curve with every distinct score as a threshold (no intermediate points dropped).
    /// Throws `MetricsError.undefined` with one class only (scikit-learn warns and returns NaN rates).
    public static func rocCurve(_ data: LabeledScores) throws -> ROCCurve {
        guard data.hasBothClasses else {
            throw MetricsError.undefined(
                metric: "ROC curve",
                reason: data.fakeCount == 0
                    ? "no fake (label 1) sample, the true positive rate is undefined (scikit-learn warns, NaN)"
                    : "no real (label 0) sample, the false positive rate is undefined (scikit-learn warns, NaN)")
        }
        let c = ThresholdCurve(data)
        let fps = [0] + c.falsePositives, tps = [0] + c.truePositives
        return ROCCurve(
            falsePositiveRates: fps.map { Double($0) / Double(data.realCount) },
            truePositiveRates: tps.map { Double($0) / Double(data.fakeCount) },
            thresholds: [Double.infinity] + c.thresholds,
            falsePositives: fps, truePositives: tps)
    }
}
