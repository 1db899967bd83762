/// One scored (or failed) image: a row of `cnnspot detect`'s output.
public struct DetectionRecord: Sendable, Equatable {
    public var path: String
    /// `sigmoid(logit)`: the probability that the image is CNN-generated.
    public var probability: Double?
    public var logit: Double?
    /// `"fake"` when `probability > threshold` (the reference's `y_pred > 0.5`), else `"real"`.
    public var label: String?
    /// `real`, `fake` or `uncertain` from the model's rule (`Verdict.Rule`: its threshold, and
    /// its uncertain band when it has one).
    public var verdict: String?
    public var width: Int?
    public var height: Int?
    /// Format sniffed from the file's bytes: `png`, `jpeg`, `webp`, `gif`, `tiff`.
    public var format: String?
    /// Why the image could not be scored; nil when it was.
    public var error: String?

    public init(
        path: String, probability: Double? = nil, logit: Double? = nil, label: String? = nil,
        verdict: String? = nil,
        width: Int? = nil, height: Int? = nil, format: String? = nil, error: String? = nil
    ) {
        self.path = path; self.probability = probability; self.logit = logit; self.label = label
        self.verdict = verdict
        self.width = width; self.height = height; self.format = format; self.error = error
    }

    public static func failed(_ path: String, _ error: String) -> DetectionRecord {
        DetectionRecord(path: path, error: error)
    }
}

/// `1 / (1 + exp(-x))` without overflow for large |x|.
@inlinable public func sigmoid(_ x: Double) -> Double {
    x >= 0
        ? 1 / (1 + _exp(-x))
        : {
            let e = _exp(x); return e / (1 + e)
        }()
}

@usableFromInline func _exp(_ x: Double) -> Double {
    #if canImport(Glibc)
        return Glibc.exp(x)
    #else
        return Foundation.exp(x)
    #endif
}
#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif
