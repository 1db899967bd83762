import Foundation

/// Reads JPEG, PNG, WebP, GIF (first frame) and TIFF (first page) files into 8-bit RGB exactly as Pillow 13's
/// `Image.open(p).convert('RGB')` does (see the per-format files for each rule).
///
/// Input is untrusted: the file size is checked before reading, the pixel count from the
/// header before decoding, and every failure is an `ImageError` naming the file.
/// Thread-safe: every call has its own decoder state.
public enum ImageDecoder {
    /// Decodes the file at `path`; the format comes from its magic bytes, not its extension.
    public static func decode(path: String, options: DecodeOptions = .default) throws -> DecodedImage {
        let bytes = try readFile(path: path, limit: options.limits.maxFileBytes)
        return try decode(data: bytes, name: path, options: options)
    }

    /// Decodes an in-memory file; `name` is used in error messages.
    public static func decode(data: [UInt8], name: String, options: DecodeOptions = .default) throws -> DecodedImage {
        if data.isEmpty { throw ImageError(file: name, reason: .empty, detail: "") }
        if data.count > options.limits.maxFileBytes {
            throw ImageError(
                file: name, reason: .fileTooLarge(bytes: data.count, limit: options.limits.maxFileBytes),
                detail: "")
        }
        guard let format = ImageFormat.sniff(data) else {
            let other = ImageFormat.otherFormatName(data).map { "\($0) data" }
            let head = data.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw ImageError(file: name, reason: .unknownFormat, detail: other ?? "starts with \(head)")
        }
        var decoded: DecodedImage
        switch format {
        case .jpeg: decoded = try decodeJPEG(data, name: name, limits: options.limits)
        case .png: decoded = try decodePNG(data, name: name, limits: options.limits)
        case .webp: decoded = try decodeWebP(data, name: name, limits: options.limits)
        case .gif: decoded = try decodeGIF(data, name: name, limits: options.limits)
        case .tiff: return try decodeTIFF(data, name: name, limits: options.limits)  // orientation applied, as Pillow
        }
        decoded.exifOrientation = EXIFReader.orientation(in: data, format: format)
        if options.applyEXIFOrientation, let o = decoded.exifOrientation {
            decoded.image = decoded.image.applyingEXIFOrientation(o)
        }
        return decoded
    }

    /// Decodes an in-memory file held as `Data`.
    public static func decode(data: Data, name: String, options: DecodeOptions = .default) throws -> DecodedImage {
        try decode(data: [UInt8](data), name: name, options: options)
    }

    /// Reads at most `limit` bytes of a regular file; anything else (a FIFO, a device, a
    /// folder) is refused without blocking, and a longer file without reading it whole.
    static func readFile(path: String, limit: Int) throws -> [UInt8] {
        do {
            return try RegularFile.read(path: path, limit: limit)
        } catch let failure as RegularFile.Failure {
            switch failure {
            case .notReadable(let reason), .readFailed(let reason):
                throw ImageError(file: path, reason: .io, detail: reason)
            case .tooLarge(let bytes, let limit):
                throw ImageError(file: path, reason: .fileTooLarge(bytes: bytes, limit: limit), detail: "")
            }
        }
    }
}
