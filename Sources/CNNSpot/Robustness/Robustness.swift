import Foundation

/// A test-time degradation swept by the robustness evaluation (Wang et al. 2020, Fig. 5, which
/// sweeps blur and JPEG; resize is added for downscaled uploads). Applied to the decoded uint8
/// image before the test-time crop, as `Evaluation.score`'s `perturb` hook.
public enum Perturbation: String, Sendable, Codable, CaseIterable {
    /// SciPy `gaussian_filter` per channel with standard deviation `level` in pixels
    /// (`gaussianBlur`, truncate 4, 'reflect'); sigma 0 leaves the image unchanged.
    case blur
    /// Pillow JPEG encode/decode at quality `level` (`jpegRoundTrip(.pil)`); every level,
    /// including 100, re-compresses.
    case jpeg
    /// Pillow bilinear `Image.resize` of the whole image by the factor `level`: the new size is
    /// `round(side * level)` (halves away from zero), at least 1; factor 1 leaves it unchanged.
    case resize

    /// Axis title of this perturbation's plots.
    public var axisTitle: String {
        switch self {
        case .blur: return "Gaussian blur sigma (pixels)"
        case .jpeg: return "JPEG quality (Pillow)"
        case .resize: return "resize factor (Pillow bilinear)"
        }
    }

    /// Name in plot titles.
    public var displayName: String {
        switch self {
        case .blur: return "Gaussian blur"
        case .jpeg: return "JPEG quality"
        case .resize: return "downscaling"
        }
    }

    /// Plots draw JPEG quality and resize factor decreasing to the right (stronger degradation
    /// to the right, as blur sigma increases to the right).
    public var axisReversed: Bool { self != .blur }

    /// Checks that `level` is meaningful for this perturbation.
    public func validate(_ level: Double) throws {
        switch self {
        case .blur:
            guard level.isFinite, level >= 0, level <= 64 else {
                throw RobustnessError.badLevel("blur sigma \(level) is not within 0...64")
            }
        case .jpeg:
            guard level.isFinite, level == level.rounded(), level >= 1, level <= 100 else {
                throw RobustnessError.badLevel("JPEG quality \(level) is not an integer within 1...100")
            }
        case .resize:
            guard level.isFinite, level > 0, level <= 4 else {
                throw RobustnessError.badLevel("resize factor \(level) is not within (0, 4]")
            }
        }
    }

    /// The perturbed image (the input is not modified).
    public func apply(_ image: RGBImage, level: Double) throws -> RGBImage {
        switch self {
        case .blur:
            return level == 0 ? image : try gaussianBlur(image, sigma: level)
        case .jpeg:
            return try jpegRoundTrip(image, quality: Int(level), method: .pil)
        case .resize:
            if level == 1 { return image }
            let w = max(1, Int((Double(image.width) * level).rounded()))
            let h = max(1, Int((Double(image.height) * level).rounded()))
            return try CNNSpotImage.resize(image, width: w, height: h, interpolation: .bilinear)
        }
    }

    /// The level as written in CSV and plots: integers without a decimal point.
    public func format(_ level: Double) -> String {
        level == level.rounded() && abs(level) < 1e9 ? String(Int(level)) : String(level)
    }
}

/// Bad robustness settings.
public enum RobustnessError: Error, CustomStringConvertible {
    case badLevel(String)
    case noLevels
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .badLevel(let m): return "robustness: \(m)"
        case .noLevels: return "robustness: no perturbation level to evaluate (all sweeps are disabled)"
        case let .io(path, reason): return "robustness: cannot write \(path): \(reason)"
        }
    }
}

/// What to sweep and how to score.
public struct RobustnessSettings: Sendable, Codable {
    /// Levels per perturbation, in sweep order; an empty list skips that perturbation.
    public var blurSigmas: [Double] = [0, 1, 2, 3, 4]
    public var jpegQualities: [Int] = [100, 90, 80, 70, 60, 50, 40, 30]
    public var resizeFactors: [Double] = [1.0, 0.75, 0.5, 0.25]
    public var preprocessing = TestTimePreprocessing(crop: nil)
    /// Accuracy threshold (`probability > threshold` is fake).
    public var threshold = 0.5
    /// Images per set, taken evenly from reals and fakes (first by path); nil: all.
    public var maxPerSet: Int?
    public var batchSize = 16
    /// Bound on the decoded images kept in memory per set (bytes of pixels); images past it are
    /// decoded again for every level.
    public var cacheBytes = 1 << 30

    public init() {}

    /// `(perturbation, level)` pairs in sweep order: blur, then JPEG, then resize.
    public var levels: [(Perturbation, Double)] {
        blurSigmas.map { (.blur, $0) } + jpegQualities.map { (.jpeg, Double($0)) } + resizeFactors.map { (.resize, $0) }
    }

    public func validate() throws {
        guard !levels.isEmpty else { throw RobustnessError.noLevels }
        for (p, l) in levels { try p.validate(l) }
        guard threshold > 0, threshold < 1 else { throw RobustnessError.badLevel("threshold \(threshold) is not in (0, 1)") }
        if let m = maxPerSet, m < 2 { throw RobustnessError.badLevel("max per set \(m) must be at least 2 (one real, one fake)") }
    }
}

/// One row of `robustness.csv`: the metrics of one set at one perturbation level. `set` is
/// `mean` for the mean over sets (of the sets that have the metric).
public struct RobustnessRow: Sendable, Codable, Equatable {
    public var perturbation: Perturbation
    public var level: Double
    public var set: String
    public var averagePrecision: Double?
    public var accuracy: Double?
    public var realAccuracy: Double?
    public var fakeAccuracy: Double?
    public var auc: Double?
    /// Scored images (failed ones excluded).
    public var count: Int
    public var failed: Int

    /// JSON keys match the CSV columns.
    enum CodingKeys: String, CodingKey {
        case perturbation, level, set, averagePrecision = "ap", accuracy, realAccuracy = "real_acc",
            fakeAccuracy = "fake_acc", auc, count = "n", failed
    }
}

/// Everything a sweep produced.
public struct RobustnessResult: Sendable {
    public var settings: RobustnessSettings
    /// Per set and level, then the `mean` rows of each level, in sweep order.
    public var rows: [RobustnessRow]
    /// Every image's score at every level (`Evaluation.ScoredImage.setName` is the set).
    public var scores: [(perturbation: Perturbation, level: Double, images: [Evaluation.ScoredImage])]
    public var sets: [ImageSet]
    public var warnings: [String]
}
