import Foundation

/// What a probability means under a model's decision rule: `real`, `fake`, or `uncertain`
/// inside the model's optional band.
///
/// The rule comes from the model's metadata (safetensors `__metadata__`):
/// - `threshold` (0.5 when absent): without a band, `p > threshold` is fake, otherwise real:
///   the convention of the reference (`y_pred > 0.5`), of the `label` column and of
///   `cnnspot calibrate`, whose thresholds are scores of the calibration set;
/// - optional `uncertain_low` and `uncertain_high` (probabilities, both or neither,
///   `0 < low <= high < 1`): `p > uncertain_high` is fake, `p <= uncertain_low` is real, anything
///   between is uncertain. The band replaces the threshold for the verdict; the threshold is
///   still reported beside it.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    case real, fake, uncertain

    /// Metadata keys of the uncertain band.
    public static let uncertainLowKey = "uncertain_low"
    public static let uncertainHighKey = "uncertain_high"

    /// A model's decision rule: a threshold and an optional uncertain band.
    public struct Rule: Sendable, Equatable, Codable {
        public var threshold: Double
        /// `low...high` in probability; nil when the model has no band.
        public var band: ClosedRange<Double>?

        public init(threshold: Double, band: ClosedRange<Double>? = nil) {
            self.threshold = threshold
            self.band = band
        }

        /// Reads `threshold`, `uncertain_low` and `uncertain_high` from model metadata. A value
        /// that is not a probability in (0, 1), one bound without the other, or `low > high`
        /// is an error naming the key: a service must not run on a rule it misread.
        public init(metadata: [String: String]) throws {
            func probability(_ key: String) throws -> Double? {
                guard let text = metadata[key] else { return nil }
                guard let v = Double(text), v > 0, v < 1 else {
                    throw VerdictRuleError(problem: "metadata \(key) '\(text)' is not a probability in (0, 1)")
                }
                return v
            }
            threshold = try probability(CNNSpotMetadata.threshold) ?? 0.5
            switch (try probability(Verdict.uncertainLowKey), try probability(Verdict.uncertainHighKey)) {
            case (nil, nil): band = nil
            case let (low?, high?):
                guard low <= high else {
                    throw VerdictRuleError(problem: "metadata uncertain_low \(low) is above uncertain_high \(high)")
                }
                band = low...high
            default:
                throw VerdictRuleError(problem: "metadata has only one of uncertain_low / uncertain_high; give both or neither")
            }
        }

        /// The verdict for probability `p` (the sigmoid of the logit).
        public func verdict(_ p: Double) -> Verdict {
            if let band {
                if p > band.upperBound { return .fake }
                if p <= band.lowerBound { return .real }
                return .uncertain
            }
            return p > threshold ? .fake : .real
        }

        /// The same rule with the threshold overridden and no band (a caller's explicit
        /// threshold is a plain two-way decision).
        public func overridingThreshold(_ t: Double) -> Rule { Rule(threshold: t, band: nil) }
    }
}

/// A model's metadata holds a decision rule that cannot be used.
public struct VerdictRuleError: Error, CustomStringConvertible, LocalizedError {
    public var problem: String
    public init(problem: String) { self.problem = problem }
    public var description: String { problem }
    public var errorDescription: String? { problem }
}
