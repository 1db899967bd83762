/// The random choices made for one image, in the order they are drawn.
public struct AugmentationDraws: Equatable, Sendable {
    public var interpolation: Interpolation
    /// Sigma when the blur step runs.
    public var blurSigma: Double?
    /// Quality and method when the JPEG step runs.
    public var jpegQuality: Int?
    public var jpegMethod: JPEGMethod?
    /// Top-left corner of the crop window in the resized image (random or center).
    public var cropTop: Int?
    public var cropLeft: Int?
    public var flip: Bool

    public init(
        interpolation: Interpolation, blurSigma: Double?, jpegQuality: Int?, jpegMethod: JPEGMethod?,
        cropTop: Int?, cropLeft: Int?, flip: Bool
    ) {
        self.interpolation = interpolation
        self.blurSigma = blurSigma
        self.jpegQuality = jpegQuality
        self.jpegMethod = jpegMethod
        self.cropTop = cropTop
        self.cropLeft = cropLeft
        self.flip = flip
    }
}
