/// Container formats the decoder reads. Recognised from magic bytes, never from the file
/// extension (the ForenSynths sets hold JPEG data under `.png` names and vice versa).
public enum ImageFormat: String, Sendable, CaseIterable {
    case jpeg, png, webp, gif, tiff

    /// The format whose signature starts `bytes`, or nil.
    /// JPEG: `FF D8 FF`; PNG: `89 50 4E 47 0D 0A 1A 0A`; WebP: `RIFF <size> WEBP`; GIF: `GIF87a`/`GIF89a`;
    /// TIFF: `II*\0` or `MM\0*` (classic TIFF; BigTIFF's `II+\0` is not read).
    public static func sniff<C: Collection>(_ bytes: C) -> ImageFormat? where C.Element == UInt8 {
        let head = Array(bytes.prefix(12))
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) {
            return .webp
        }
        if head.starts(with: Array("GIF87a".utf8)) || head.starts(with: Array("GIF89a".utf8)) { return .gif }
        if head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        return nil
    }

    /// A name for formats we recognise but do not decode, for error messages.
    static func otherFormatName<C: Collection>(_ bytes: C) -> String? where C.Element == UInt8 {
        let head = Array(bytes.prefix(8))
        if head.starts(with: Array("BM".utf8)) { return "BMP" }
        if head.starts(with: [0x49, 0x49, 0x2B, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2B]) { return "BigTIFF" }
        if head.count >= 8, Array(head[4..<8]) == Array("ftyp".utf8) { return "HEIF/AVIF/MP4" }
        return nil
    }
}
