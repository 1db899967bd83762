/// Resource limits for untrusted image files. Checked before anything sized by the file is
/// allocated: the file size before reading, the pixel count from the header before decoding.
public struct ImageLimits: Equatable, Sendable {
    /// Pillow's `Image.MAX_IMAGE_PIXELS` (1024 * 1024 * 1024 // 4 // 3). Pillow only warns
    /// above it and raises above twice that; we raise above it.
    public static let pillowMaxPixels = 89_478_485

    /// Largest `width * height` decoded.
    public var maxPixels: Int
    /// Largest file (bytes) read.
    public var maxFileBytes: Int
    /// Largest number of scans in a progressive JPEG (each scan is a pass over every
    /// coefficient; crafted files with thousands of scans otherwise take minutes).
    public var maxJPEGScans: Int

    public init(
        maxPixels: Int = ImageLimits.pillowMaxPixels, maxFileBytes: Int = 256 << 20,
        maxJPEGScans: Int = 1000
    ) {
        self.maxPixels = maxPixels
        self.maxFileBytes = maxFileBytes
        self.maxJPEGScans = maxJPEGScans
    }

    public static let `default` = ImageLimits()
}
