import CNNSpot
import Foundation

/// The server's one window on the detector library: loading a model, decoding and
/// preprocessing an upload, and the network's logits for a batch. Everything else in this
/// target goes through here, so changes to `Detector` touch one file.
///
/// Scoring is the same arithmetic as `cnnspot detect` (`DetectionRunner`): test-time
/// preprocessing (full image or center crop), ImageNet normalisation into `[N, 3, H, W]`,
/// `InferenceNetwork.logits`, so the same file gives the same logit through both.
public final class ScoringModel: @unchecked Sendable {
    /// What `/v1/models` and every answer say about the model.
    public struct Info: Sendable, Codable, Equatable {
        /// The model file's name (not its path: the server does not disclose its file system).
        public var name: String
        public var sha256: String
        public var architecture: String
        /// Checkpoint format as loaded (`safetensors`, `torch-zip`, ...).
        public var format: String
        public var rule: Verdict.Rule
        /// The file's metadata (threshold, normalisation, manifest, ...).
        public var metadata: [String: String]
    }

    public let info: Info
    private let detector: Detector
    private let normalization = TensorNormalization.imageNet

    /// Smallest side the network accepts.
    public static let minimumSide = InferenceNetwork.minimumSize

    init(detector: Detector, info: Info) {
        self.detector = detector
        self.info = info
    }

    /// Loads the model at `path` (`.pth` or `.safetensors`, as `detect -m`), hashes the file
    /// and reads its decision rule (errors name the file).
    public static func load(path: String, strict: Bool = true, compute: ComputeOptions = ComputeOptions()) throws -> ScoringModel {
        let detector = try Detector.load(path: path, strict: strict, compute: compute)
        let rule: Verdict.Rule
        do { rule = try Verdict.Rule(metadata: detector.metadata) } catch {
            throw VerdictRuleError(problem: "\(path): \(error)")
        }
        let manifest = try detector.manifestInfo()
        let info = Info(
            name: URL(fileURLWithPath: path).lastPathComponent, sha256: manifest.sha256,
            architecture: manifest.architecture, format: detector.format,
            rule: rule, metadata: detector.metadata)
        return ScoringModel(detector: detector, info: info)
    }

    /// Decodes an upload (format from its magic bytes) within `limits`; errors are
    /// `ImageError`s naming `name`.
    public func decode(_ bytes: [UInt8], name: String, limits: ImageLimits) throws -> DecodedImage {
        try ImageDecoder.decode(data: bytes, name: name, options: DecodeOptions(limits: limits))
    }

    /// Test-time preprocessing: the full image (`crop` nil) or torchvision's center crop.
    public func preprocess(_ image: RGBImage, crop: Int?) throws -> RGBImage {
        try TestTimePreprocessing(crop: crop).apply(image)
    }

    /// One logit per image; the images must share one size (>= 32 x 32). Blocking: runs the
    /// network on the calling thread (the network serialises concurrent calls).
    public func logits(_ images: [RGBImage]) throws -> [Float] {
        guard let first = images.first else { return [] }
        let (w, h) = (first.width, first.height)
        var data = [Float](repeating: 0, count: 3 * w * h * images.count)
        for (n, image) in images.enumerated() {
            precondition(image.width == w && image.height == h, "ScoringModel.logits: images of different sizes")
            try normalization.write(image, into: &data, index: n)
        }
        return try detector.network.logits(HostTensor(shape: [images.count, 3, h, w], data: data))
    }

    /// Builds and caches the network plan for one common size so the first request does not
    /// pay for it (`/readyz` turns ready after this).
    public func warmUp(width: Int = 256, height: Int = 256) throws {
        _ = try logits([RGBImage(width: width, height: height)])
    }
}
