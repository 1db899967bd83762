import CImageShims

extension ImageDecoder {
    /// TIFF: the first directory (page), as Pillow 13 opens it and `convert('RGB')` converts it.
    /// The sample rules (grey, bilevel, palette, RGB with extra samples, 16-bit, YCbCr JPEG) and
    /// what is refused are in `tiff_decode.c`. The orientation tag is applied here, always:
    /// Pillow 13's TIFF plugin transposes on load (`ImageOps.exif_transpose` in `load_end`), so
    /// `open().convert('RGB')` of a TIFF is already upright, unlike JPEG, PNG or WebP.
    static func decodeTIFF(_ data: [UInt8], name: String, limits: ImageLimits) throws -> DecodedImage {
        var info = cnnspot_tiff_info()
        try data.withUnsafeBufferPointer { buf in
            try shimCall(file: name) { cnnspot_tiff_read_info(buf.baseAddress, buf.count, &info, $0) }
        }
        let width = Int(info.width), height = Int(info.height)
        try checkPixelLimit(width: width, height: height, limits: limits, file: name)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        try data.withUnsafeBufferPointer { buf in
            try rgb.withUnsafeMutableBufferPointer { out in
                try shimCall(file: name) { cnnspot_tiff_decode_rgb(buf.baseAddress, buf.count, out.baseAddress, out.count, $0) }
            }
        }
        let mode = withUnsafeBytes(of: info.mode) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        let orientation = (1...8).contains(Int(info.orientation)) ? Int(info.orientation) : nil
        var image = RGBImage(width: width, height: height, pixels: rgb)
        if let o = orientation { image = image.applyingEXIFOrientation(o) }
        return DecodedImage(
            image: image, format: .tiff, sourceMode: mode, bitDepth: Int(info.bits_per_sample),
            exifOrientation: orientation)
    }
}
