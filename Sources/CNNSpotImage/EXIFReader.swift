/// Finds the EXIF orientation tag (0x0112) where Pillow's `getexif()` looks for it:
/// JPEG: the first APP1 segment starting "Exif\0\0"; PNG: the eXIf chunk; WebP: the RIFF
/// "EXIF" chunk. Only reads; every offset is bounds-checked (the data is untrusted).
enum EXIFReader {
    static func orientation(in data: [UInt8], format: ImageFormat) -> Int? {
        let tiff: ArraySlice<UInt8>?
        switch format {
        case .jpeg: tiff = jpegEXIF(data)
        case .png: tiff = chunk(in: data, from: 8, id: "eXIf", littleEndianSizes: false)
        case .webp: tiff = chunk(in: data, from: 12, id: "EXIF", littleEndianSizes: true)
        case .gif: tiff = nil  // GIF has no EXIF block Pillow reads an orientation from
        case .tiff: tiff = data[...]  // the file is the TIFF structure (ImageDecoder takes libtiff's tag)
        }
        guard var t = tiff else { return nil }
        if t.starts(with: Array("Exif\0\0".utf8)) { t = t.dropFirst(6) }
        return orientationTag(inTIFF: Array(t))
    }

    /// APP1 "Exif\0\0" payload in a JPEG, scanning markers up to the first SOS.
    static func jpegEXIF(_ d: [UInt8]) -> ArraySlice<UInt8>? {
        var p = 2
        while p + 4 <= d.count {
            guard d[p] == 0xFF else { return nil }
            let marker = d[p + 1]
            if marker == 0xFF { p += 1; continue }  // fill byte
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { p += 2; continue }
            if marker == 0xDA || marker == 0xD9 { return nil }
            let length = Int(d[p + 2]) << 8 | Int(d[p + 3])
            guard length >= 2, p + 2 + length <= d.count else { return nil }
            let body = d[(p + 4)..<(p + 2 + length)]
            if marker == 0xE1, body.starts(with: Array("Exif\0\0".utf8)) { return body }
            p += 2 + length
        }
        return nil
    }

    /// Payload of the first chunk `id` in a PNG (big-endian length, type, data, CRC) or
    /// RIFF (type, little-endian length, data, pad byte) stream starting at `from`.
    static func chunk(in d: [UInt8], from start: Int, id: String, littleEndianSizes: Bool) -> ArraySlice<UInt8>? {
        let want = Array(id.utf8)
        var p = start
        while p + 8 <= d.count {
            let size: Int
            let type: ArraySlice<UInt8>
            let body: Int
            if littleEndianSizes {
                type = d[p..<(p + 4)]
                size = Int(d[p + 4]) | Int(d[p + 5]) << 8 | Int(d[p + 6]) << 16 | Int(d[p + 7]) << 24
                body = p + 8
            } else {
                size = Int(d[p]) << 24 | Int(d[p + 1]) << 16 | Int(d[p + 2]) << 8 | Int(d[p + 3])
                type = d[(p + 4)..<(p + 8)]
                body = p + 8
            }
            guard size >= 0, size <= d.count - body else { return nil }
            if Array(type) == want { return d[body..<(body + size)] }
            if !littleEndianSizes, Array(type) == Array("IEND".utf8) { return nil }
            p = body + size + (littleEndianSizes ? (size & 1) : 4)
        }
        return nil
    }

    /// Orientation from IFD0 of a TIFF-structured EXIF block ("II*\0" or "MM\0*").
    static func orientationTag(inTIFF t: [UInt8]) -> Int? {
        guard t.count >= 8 else { return nil }
        let little: Bool
        if t[0] == 0x49, t[1] == 0x49 { little = true } else if t[0] == 0x4D, t[1] == 0x4D { little = false } else { return nil }
        func u16(_ o: Int) -> Int? {
            guard o >= 0, o + 2 <= t.count else { return nil }
            return little ? Int(t[o]) | Int(t[o + 1]) << 8 : Int(t[o]) << 8 | Int(t[o + 1])
        }
        func u32(_ o: Int) -> Int? {
            guard let a = u16(o), let b = u16(o + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for k in 0..<count {
            let e = ifd + 2 + 12 * k
            guard let tag = u16(e), let type = u16(e + 2) else { return nil }
            if tag == 0x0112 {
                switch type {
                case 3: return u16(e + 8)  // SHORT, value left-justified in the field
                case 4: return u32(e + 8)  // LONG
                default: return nil
                }
            }
        }
        return nil
    }
}
