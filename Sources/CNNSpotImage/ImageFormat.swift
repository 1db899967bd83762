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
        let head = Array(bytes.prefix(12))
        func starts(_ s: String) -> Bool { head.starts(with: Array(s.utf8)) }
        if starts("BM") { return "BMP" }
        if head.starts(with: [0x49, 0x49, 0x2B, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2B]) { return "BigTIFF" }
        if head.count >= 8, Array(head[4..<8]) == Array("ftyp".utf8) { return "HEIF/AVIF/MP4" }
        if head.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) || head.starts(with: [0xFF, 0x4F, 0xFF, 0x51]) {
            return "JPEG 2000"
        }
        if head.starts(with: [0xFF, 0x0A]) || head.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20]) { return "JPEG XL" }
        if starts("DDS ") { return "DDS" }
        if starts("8BPS") { return "Photoshop (PSD)" }
        if starts("%!PS") || head.starts(with: [0xC5, 0xD0, 0xD3, 0xC6]) { return "PostScript/EPS" }
        if starts("qoif") { return "QOI" }
        if head.count >= 3, head[0] == 0x50, (0x31...0x37).contains(head[1]) || head[1] == 0x46 || head[1] == 0x66,
            [0x0A, 0x0D, 0x20, 0x09].contains(head[2])
        {
            return "Netpbm (PPM/PGM/PBM/PFM/PAM)"
        }
        if head.starts(with: [0x01, 0xDA]) { return "SGI" }
        if head.starts(with: [0x00, 0x00, 0x01, 0x00]) || head.starts(with: [0x00, 0x00, 0x02, 0x00]) { return "ICO/CUR" }
        if head.count >= 3, head[0] == 0x0A, head[1] <= 5, head[2] == 1 { return "PCX" }
        if starts("icns") { return "ICNS" }
        if starts("SIMPLE  =") { return "FITS" }
        return nil
    }
}
