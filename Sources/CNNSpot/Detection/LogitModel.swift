/// Anything that maps a normalised batch `[N, 3, H, W]` (float32, NCHW) to one logit per
/// image. The oneDNN inference network conforms; tests use small stand-ins.
public protocol LogitModel: AnyObject {
    func logits(_ batch: HostTensor) throws -> [Float]
    /// The normalisation the model's input must have (nil: ImageNet mean/std).
    var inputNormalization: TensorNormalization? { get }
}

extension LogitModel {
    public var inputNormalization: TensorNormalization? { nil }
}

extension InferenceNetwork: LogitModel {
    /// Its description's mean/std (`Detector.normalization`).
    public var inputNormalization: TensorNormalization? { Detector.normalization(spec) }
}

/// Test-time preprocessing as the reference's eval: no resize; the full image (the
/// reference README's recommended `--no_crop` mode) or torchvision's center crop (the
/// paper's 224, zero-padded when the image is smaller); then `ToTensor` and ImageNet
/// normalisation.
public struct TestTimePreprocessing: Sendable, Codable, Equatable {
    /// Center-crop side, or nil for the full image.
    public var crop: Int?

    public init(crop: Int? = nil) { self.crop = crop }

    /// The center-crop sides every command accepts.
    public static let cropSides = 32...16384

    /// A command-line crop: `none` (any case: the full image) or a side within `cropSides`.
    /// The error names the option and the value.
    public init(cropArgument text: String) throws {
        if text.lowercased() == "none" { self.init(crop: nil); return }
        guard let side = Int(text), Self.cropSides.contains(side) else {
            throw CropArgumentError(text: text)
        }
        self.init(crop: side)
    }

    public struct CropArgumentError: Error, CustomStringConvertible {
        public let text: String
        public var description: String {
            "--crop takes a side within \(TestTimePreprocessing.cropSides.lowerBound)...\(TestTimePreprocessing.cropSides.upperBound) or 'none', not '\(text)'"
        }
    }

    public func apply(_ image: RGBImage) throws -> RGBImage {
        guard let crop else { return image }
        return try centerCrop(image, height: crop, width: crop)
    }

    public var description: String { crop.map { "center crop \($0)" } ?? "full image (no crop)" }
}
