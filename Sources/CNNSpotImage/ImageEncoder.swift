import CImageShims
import Foundation

/// Writes `RGBImage`s as PNG or JPEG files (bytes in memory).
public enum ImageEncoder {
    /// 8-bit RGB PNG, non-interlaced, libpng's default compression and filters. Lossless:
    /// decoding it gives `image` back.
    public static func png(_ image: RGBImage) throws -> [UInt8] {
        try encode(image, what: "PNG") { rgb, out, size, msg in
            cnnspot_png_encode_rgb(rgb, Int32(image.width), Int32(image.height), out, size, msg)
        }
    }

    /// Baseline JPEG at `quality` (1...100) with the settings Pillow's
    /// `save(format='jpeg', quality=q)` and OpenCV's `imencode('.jpg', ..., [IMWRITE_JPEG_QUALITY, q])`
    /// both use: libjpeg defaults (4:2:0 chroma subsampling, islow DCT, standard Huffman tables,
    /// no optimisation, JFIF 1.01) and quantisation tables scaled by `quality`, forced baseline.
    public static func jpeg(_ image: RGBImage, quality: Int) throws -> [UInt8] {
        guard (1...100).contains(quality) else {
            throw ImageError(file: "<jpeg encoder>", reason: .invalidArgument, detail: "quality \(quality) outside 1...100")
        }
        return try encode(image, what: "JPEG") { rgb, out, size, msg in
            cnnspot_jpeg_encode_rgb(rgb, Int32(image.width), Int32(image.height), Int32(quality), out, size, msg)
        }
    }

    private static func encode(
        _ image: RGBImage, what: String,
        _ body: (
            UnsafePointer<UInt8>, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>,
            UnsafeMutablePointer<Int>, UnsafeMutablePointer<CChar>
        ) -> Int32
    ) throws -> [UInt8] {
        let name = "<\(what) encoder>"
        guard image.width > 0, image.height > 0, image.width <= Int(Int32.max), image.height <= Int(Int32.max) else {
            throw ImageError(file: name, reason: .invalidArgument, detail: "cannot encode a \(image.width)x\(image.height) image")
        }
        var out: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        try image.pixels.withUnsafeBufferPointer { rgb in
            try shimCall(file: name) { body(rgb.baseAddress!, &out, &size, $0) }
        }
        defer { cnnspot_free(out) }
        guard let bytes = out else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }
}

extension RGBImage {
    /// Writes the image as an 8-bit RGB PNG file.
    public func writePNG(to url: URL) throws {
        let bytes = try ImageEncoder.png(self)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw ImageError(file: url.path, reason: .io, detail: "cannot write: \(error.localizedDescription)")
        }
    }

    /// Writes the image as a JPEG file at `quality` (see `ImageEncoder.jpeg`).
    public func writeJPEG(to url: URL, quality: Int) throws {
        let bytes = try ImageEncoder.jpeg(self, quality: quality)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw ImageError(file: url.path, reason: .io, detail: "cannot write: \(error.localizedDescription)")
        }
    }
}
