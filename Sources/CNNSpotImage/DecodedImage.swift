/// A decoded image in 8-bit RGB plus what the file held before conversion.
public struct DecodedImage: Equatable, Sendable {
    /// Pixels as Pillow's `Image.open(p).convert('RGB')` gives them (after the EXIF
    /// orientation when `DecodeOptions.applyEXIFOrientation` is set; a TIFF's orientation tag
    /// is always applied, as Pillow 13 transposes TIFFs when it loads them).
    public var image: RGBImage
    public var format: ImageFormat
    /// The Pillow mode the file opens as: "1", "L", "P", "I;16", "LA", "RGB", "RGBA", "CMYK".
    public var sourceMode: String
    /// Bits per sample in the file (1, 2, 4, 8 or 16).
    public var bitDepth: Int
    /// EXIF orientation tag (1...8) when the file has one, whether or not it was applied.
    public var exifOrientation: Int?

    public init(image: RGBImage, format: ImageFormat, sourceMode: String, bitDepth: Int, exifOrientation: Int?) {
        self.image = image
        self.format = format
        self.sourceMode = sourceMode
        self.bitDepth = bitDepth
        self.exifOrientation = exifOrientation
    }
}

/// Options for `ImageDecoder`.
public struct DecodeOptions: Equatable, Sendable {
    public var limits: ImageLimits
    /// Rotate/flip by the EXIF orientation tag as `PIL.ImageOps.exif_transpose` does. Off by
    /// default: the CNNDetection reference applies none.
    public var applyEXIFOrientation: Bool

    public init(limits: ImageLimits = .default, applyEXIFOrientation: Bool = false) {
        self.limits = limits
        self.applyEXIFOrientation = applyEXIFOrientation
    }

    public static let `default` = DecodeOptions()
}
