import CImageShims

extension ImageDecoder {
    /// PNG as Pillow's PngImagePlugin opens it (its `_MODES` table) and `convert('RGB')`
    /// turns it into RGB:
    ///
    /// | file | Pillow mode (rawmode) | to RGB |
    /// |---|---|---|
    /// | grey 1 | "1" | 0 -> 0, 1 -> 255 |
    /// | grey 2, 4 | "L" ("L;2", "L;4") | value * 85, value * 17 |
    /// | grey 8 | "L" | grey |
    /// | grey 16 | "I;16" | min(value, 255): Pillow's I;16 -> RGB clips, it does not scale |
    /// | RGB 8, 16 | "RGB" ("RGB;16B") | high byte |
    /// | palette 1-8 | "P" | palette entry; indices past PLTE are black |
    /// | grey+alpha 8, 16 | "LA", "RGBA" ("LA;16B") | grey high byte, alpha dropped |
    /// | RGBA 8, 16 | "RGBA" | high bytes, alpha dropped |
    ///
    /// tRNS is ignored (convert('RGB') does not composite); gamma/sRGB/iCCP are ignored, as in
    /// Pillow. Adam7-interlaced files are de-interlaced by libpng.
    static func decodePNG(_ data: [UInt8], name: String, limits: ImageLimits) throws -> DecodedImage {
        var info = cnnspot_png_info()
        try data.withUnsafeBufferPointer { buf in
            try shimCall(file: name) { cnnspot_png_read_info(buf.baseAddress, buf.count, &info, $0) }
        }
        let width = Int(info.width), height = Int(info.height)
        let depth = Int(info.bit_depth), channels = Int(info.channels), colorType = Int(info.color_type)
        try checkPixelLimit(width: width, height: height, limits: limits, file: name)
        var raw = [UInt8](repeating: 0, count: width * height * channels * (depth == 16 ? 2 : 1))
        try data.withUnsafeBufferPointer { buf in
            try raw.withUnsafeMutableBufferPointer { out in
                try shimCall(file: name) { cnnspot_png_decode_raw(buf.baseAddress, buf.count, out.baseAddress, out.count, $0) }
            }
        }
        let palette: [UInt8] = withUnsafeBytes(of: info.palette) { Array($0.prefix(Int(info.palette_count) * 3)) }
        let layout = PNGSampleLayout(width: width, height: height, bitDepth: depth, colorType: colorType, palette: palette)
        guard let converted = PillowConvert.pngToRGB(raw, layout: layout) else {
            throw ImageError(file: name, reason: .unsupported, detail: "PNG colour type \(colorType) with bit depth \(depth)")
        }
        return DecodedImage(
            image: converted.image, format: .png, sourceMode: converted.mode, bitDepth: depth,
            exifOrientation: nil)
    }
}
