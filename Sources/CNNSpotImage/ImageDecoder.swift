import Foundation

/// Reads JPEG, PNG and WebP files into 8-bit RGB exactly as Pillow 13's
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
            throw ImageError(file: name, reason: .fileTooLarge(bytes: data.count, limit: options.limits.maxFileBytes),
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

    /// Reads at most `limit` bytes; a longer file is refused without reading it whole.
    static func readFile(path: String, limit: Int) throws -> [UInt8] {
        // Cheap refusal from the directory entry; the bounded read below still guards against
        // a file that grows or a size the file system misreports.
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limit {
            throw ImageError(file: path, reason: .fileTooLarge(bytes: size, limit: limit), detail: "")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ImageError(file: path, reason: .io, detail: exists ? "cannot open for reading" : "no such file")
        }
        defer { try? handle.close() }
        let data: Data?
        do {
            data = try handle.read(upToCount: limit &+ 1)
        } catch {
            throw ImageError(file: path, reason: .io, detail: "\(error)")
        }
        let bytes = data.map { [UInt8]($0) } ?? []
        if bytes.count > limit {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? bytes.count
            throw ImageError(file: path, reason: .fileTooLarge(bytes: size, limit: limit), detail: "")
        }
        return bytes
    }
}
