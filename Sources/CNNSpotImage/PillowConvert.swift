/// Pillow's `convert('RGB')` for the modes our decoders produce, written out from Pillow's
/// `libImaging/Convert.c` and `Unpack.c` rules (checked against Pillow 13 by the codec tests).
enum PillowConvert {
    /// "L" -> "RGB": R = G = B = L.
    static func greyToRGB(_ grey: [UInt8], width: Int, height: Int) -> RGBImage {
        var out = [UInt8](repeating: 0, count: width * height * 3)
        grey.withUnsafeBufferPointer { g in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<(width * height) {
                    let v = g[i]
                    o[3 * i] = v; o[3 * i + 1] = v; o[3 * i + 2] = v
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// JPEG CMYK as Pillow reads it (rawmode "CMYK;I": every byte inverted) then `cmyk2rgb`:
    /// with nk = 255 - K, R = clip(nk - muldiv255(C, nk)), where
    /// muldiv255(a, b) = ((t >> 8) + t) >> 8 with t = a * b + 128 (Pillow's MULDIV255).
    static func invertedCMYKToRGB(_ stored: [UInt8], width: Int, height: Int) -> RGBImage {
        var out = [UInt8](repeating: 0, count: width * height * 3)
        stored.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<(width * height) {
                    let nk = 255 - Int(255 - s[4 * i + 3])
                    for c in 0..<3 {
                        let t = Int(255 - s[4 * i + c]) * nk + 128
                        let v = nk - (((t >> 8) + t) >> 8)
                        o[3 * i + c] = UInt8(clamping: v)
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// "RGBA" -> "RGB": alpha dropped, colour kept (no compositing).
    static func dropAlpha(_ rgba: [UInt8], width: Int, height: Int) -> RGBImage {
        var out = [UInt8](repeating: 0, count: width * height * 3)
        rgba.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<(width * height) {
                    o[3 * i] = s[4 * i]; o[3 * i + 1] = s[4 * i + 1]; o[3 * i + 2] = s[4 * i + 2]
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// PNG raw samples (see `cnnspot_png_decode_raw`: sub-byte depths unpacked unscaled,
    /// 16-bit big-endian) to RGB per the table on `ImageDecoder.decodePNG`. Returns the image
    /// and Pillow's mode name, or nil for a colour type / depth pair PNG does not allow.
    static func pngToRGB(_ raw: [UInt8], layout: PNGSampleLayout) -> (image: RGBImage, mode: String)? {
        if layout.colorType == 2, layout.bitDepth == 8, raw.count == layout.width * layout.height * 3 {
            return (RGBImage(width: layout.width, height: layout.height, pixels: raw), "RGB")  // already RGB
        }
        let n = layout.width * layout.height
        let depth = layout.bitDepth
        let wide = depth == 16
        var out = [UInt8](repeating: 0, count: n * 3)
        let mode: String
        switch (layout.colorType, depth) {
        case (0, 1), (0, 2), (0, 4), (0, 8):
            let scale: Int = [1: 255, 2: 85, 4: 17, 8: 1][depth]!
            mode = depth == 1 ? "1" : "L"
            map(raw, into: &out, count: n, stride: 1) { s, i in
                let v = UInt8(Int(s[i]) * scale)
                return (v, v, v)
            }
        case (0, 16):
            mode = "I;16"
            map(raw, into: &out, count: n, stride: 2) { s, i in
                let v: UInt8 = s[i] == 0 ? s[i + 1] : 255  // I;16 -> RGB clips at 255
                return (v, v, v)
            }
        case (2, 8), (2, 16):
            mode = "RGB"
            let b = wide ? 2 : 1
            map(raw, into: &out, count: n, stride: 3 * b) { s, i in (s[i], s[i + b], s[i + 2 * b]) }
        case (3, 1), (3, 2), (3, 4), (3, 8):
            mode = "P"
            // An index past the PLTE entries reads as black in Pillow 13 (its palette is
            // zero-filled beyond the entries PLTE gives; png_pal*_short fixtures check this).
            var table = [UInt8](repeating: 0, count: 256 * 3)
            for i in 0..<min(layout.palette.count, 768) { table[i] = layout.palette[i] }
            table.withUnsafeBufferPointer { t in
                map(raw, into: &out, count: n, stride: 1) { s, i in
                    let p = 3 * Int(s[i])
                    return (t[p], t[p + 1], t[p + 2])
                }
            }
        case (4, 8), (4, 16):
            mode = wide ? "RGBA" : "LA"
            map(raw, into: &out, count: n, stride: wide ? 4 : 2) { s, i in (s[i], s[i], s[i]) }
        case (6, 8), (6, 16):
            mode = "RGBA"
            let b = wide ? 2 : 1
            map(raw, into: &out, count: n, stride: 4 * b) { s, i in (s[i], s[i + b], s[i + 2 * b]) }
        default:
            return nil
        }
        return (RGBImage(width: layout.width, height: layout.height, pixels: out), mode)
    }

    /// out[3k..<3k+3] = f(raw, k * stride) for k in 0..<count.
    @inline(__always)
    private static func map(
        _ raw: [UInt8], into out: inout [UInt8], count: Int, stride: Int,
        _ f: (UnsafeBufferPointer<UInt8>, Int) -> (UInt8, UInt8, UInt8)
    ) {
        raw.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for k in 0..<count {
                    let (r, g, b) = f(s, k * stride)
                    o[3 * k] = r; o[3 * k + 1] = g; o[3 * k + 2] = b
                }
            }
        }
    }
}

/// How a PNG's raw samples are laid out (from its IHDR and PLTE).
struct PNGSampleLayout {
    var width: Int
    var height: Int
    var bitDepth: Int
    var colorType: Int
    /// PLTE as RGB triples.
    var palette: [UInt8]
}
