import CImageShims

extension ImageDecoder {
    /// WebP (lossy, lossless, with or without alpha) as Pillow reads it: libwebp decodes to
    /// non-premultiplied RGBA and `convert('RGB')` drops alpha without compositing.
    /// Animated WebP is refused (Pillow would give the first frame).
    static func decodeWebP(_ data: [UInt8], name: String, limits: ImageLimits) throws -> DecodedImage {
        var info = cnnspot_webp_info()
        try data.withUnsafeBufferPointer { buf in
            try shimCall(file: name) { cnnspot_webp_read_info(buf.baseAddress, buf.count, &info, $0) }
        }
        let width = Int(info.width), height = Int(info.height)
        try checkPixelLimit(width: width, height: height, limits: limits, file: name)
        if info.has_animation != 0 {
            throw ImageError(file: name, reason: .unsupported, detail: "animated WebP")
        }
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        try data.withUnsafeBufferPointer { buf in
            try rgba.withUnsafeMutableBufferPointer { out in
                try shimCall(file: name) { cnnspot_webp_decode_rgba(buf.baseAddress, buf.count, out.baseAddress, out.count, $0) }
            }
        }
        let image = PillowConvert.dropAlpha(rgba, width: width, height: height)
        return DecodedImage(image: image, format: .webp, sourceMode: info.has_alpha != 0 ? "RGBA" : "RGB",
                            bitDepth: 8, exifOrientation: nil)
    }
}
