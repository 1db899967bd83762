/// Where the final window comes from (the reference: `RandomCrop` when training,
/// `CenterCrop` for validation and test, nothing with `--no_crop`).
public enum CropMode: Equatable, Sendable {
    case random(Int)
    case center(Int)
    case none
}

/// A JPEG encode/decode round trip at `quality` imitating `method`. The pipeline uses
/// `jpegRoundTrip(_:quality:method:)` unless told otherwise (tests inject recorders).
public typealias JPEGRoundTripFunction = @Sendable (_ image: RGBImage, _ quality: Int, _ method: JPEGMethod) throws -> RGBImage

/// The reference's data options (CNNDetection `options/*.py`), with its defaults:
/// loadSize 256, rz_interp bilinear, blur_prob 0, blur_sig 0.5, jpg_prob 0, jpg_method cv2,
/// jpg_qual 75, cropSize 224, flip on.
public struct AugmentationOptions: Equatable, Sendable {
    /// Shorter side after resize; `nil` = no resize (`--no_resize`, test time).
    public var loadSize: Int? = 256
    /// `rz_interp`: one is drawn per image (`random.choice`) when there are several.
    public var interpolations: [Interpolation] = [.bilinear]
    public var blurProb: Double = 0
    /// `blur_sig`: one value (used as is) or a range `[a, b]` (sigma = `random() * (b - a) + a`).
    public var blurSigma: [Double] = [0.5]
    public var jpegProb: Double = 0
    /// `jpg_qual` after the reference expands a pair `a b` to `range(a, b + 1)`: one is drawn
    /// uniformly. Use `qualities(30...100)` for a range.
    public var jpegQualities: [Int] = [75]
    /// `jpg_method`: drawn uniformly.
    public var jpegMethods: [JPEGMethod] = [.cv2]
    public var crop: CropMode = .random(224)
    public var flip: Bool = true

    public init() {}

    /// Paper's Blur+JPEG(p) training: sigma ~ U[0, 3], quality in 30...100, methods cv2 and pil.
    public static func blurJPEG(prob: Double) -> AugmentationOptions {
        var o = AugmentationOptions()
        o.blurProb = prob
        o.blurSigma = [0, 3]
        o.jpegProb = prob
        o.jpegQualities = Array(30...100)
        o.jpegMethods = [.cv2, .pil]
        return o
    }

    /// The reference's `get_val_opt()`: same resize and probabilities, sigma = middle of the
    /// range, quality = `int((first + last) / 2)`, method pil, center crop, no flip.
    public func validation() -> AugmentationOptions {
        var o = self
        if blurSigma.count == 2 { o.blurSigma = [(blurSigma[0] + blurSigma[1]) / 2] }
        if jpegQualities.count != 1, let first = jpegQualities.first, let last = jpegQualities.last {
            o.jpegQualities = [Int(Double(first + last) / 2)]
        }
        o.jpegMethods = [.pil]
        if case .random(let n) = crop { o.crop = .center(n) }
        o.flip = false
        return o
    }

    /// Test time: no resize, no blur or JPEG, center crop of `centerCrop` or the full image
    /// (`nil`, the README's recommended mode), no flip.
    public static func test(centerCrop: Int?) -> AugmentationOptions {
        var o = AugmentationOptions()
        o.loadSize = nil
        o.crop = centerCrop.map { .center($0) } ?? .none
        o.flip = false
        return o
    }

    /// Checks what the reference would reject or what would make a step impossible.
    public func validate() throws {
        func fail(_ m: String) -> ImageOpError { ImageOpError("augmentation", m) }
        if let n = loadSize, n < 1 || n > maxResizeSide { throw fail("loadSize \(n) must be in 1...\(maxResizeSide)") }
        guard !interpolations.isEmpty else { throw fail("no interpolation given") }
        guard (0...1).contains(blurProb), (0...1).contains(jpegProb) else {
            throw fail("probabilities must be in 0...1, got blur \(blurProb), jpeg \(jpegProb)")
        }
        guard blurSigma.count == 1 || blurSigma.count == 2 else {
            throw fail("blur sigma needs 1 or 2 values, got \(blurSigma.count)")
        }
        guard blurSigma.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 256 }) else { throw fail("blur sigma \(blurSigma) out of 0...256") }
        guard !jpegQualities.isEmpty, jpegQualities.allSatisfy({ (1...100).contains($0) }) else {
            throw fail("JPEG qualities must be a non-empty list in 1...100")
        }
        guard !jpegMethods.isEmpty else { throw fail("no JPEG method given") }
        switch crop {
        case .random(let n), .center(let n):
            if n < 1 || n > maxResizeSide { throw fail("crop size \(n) must be in 1...\(maxResizeSide)") }
        case .none: break
        }
    }
}
