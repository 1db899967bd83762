/// An 8-bit RGB image, rows top to bottom, pixels interleaved `R G B` (HWC), as
/// Pillow's `Image.convert('RGB')` holds it and as `np.asarray(img)` shows it.
public struct RGBImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// `height * width * 3` bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(
            width >= 0 && height >= 0 && pixels.count == width * height * 3,
            "RGBImage: \(pixels.count) bytes for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A black image.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
    }

    @inlinable public subscript(x: Int, y: Int, c: Int) -> UInt8 {
        get { pixels[(y * width + x) * 3 + c] }
        set { pixels[(y * width + x) * 3 + c] = newValue }
    }
}
