/// Anything that maps a normalised batch `[N, 3, H, W]` (float32, NCHW, ImageNet
/// mean/std) to one logit per image. The oneDNN inference network conforms; tests use
/// small stand-ins.
public protocol LogitModel: AnyObject {
    func logits(_ batch: HostTensor) throws -> [Float]
}

/// Test-time preprocessing as the reference's eval: no resize; the full image (the
/// reference README's recommended `--no_crop` mode) or a center crop (the paper's 224);
/// then `ToTensor` and ImageNet normalisation.
public struct TestTimePreprocessing: Sendable, Codable, Equatable {
    /// Center-crop side, or nil for the full image.
    public var crop: Int?
    public var mean: [Float] = [0.485, 0.456, 0.406]
    public var std: [Float] = [0.229, 0.224, 0.225]

    public init(crop: Int? = nil) { self.crop = crop }

    public var description: String { crop.map { "center crop \($0)" } ?? "full image (no crop)" }
}
