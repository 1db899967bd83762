import CImageShims

extension ImageDecoder {
    /// WebP (lossy, lossless, with or without alpha) as Pillow reads it: libwebp decodes to
    /// non-premultiplied RGBA and `convert('RGB')` drops alpha without compositing.
    /// Animated WebP: the first frame on its canvas, through libwebp's WebPAnimDecoder as Pillow
    /// does, alpha dropped.
    static func decodeWebP(_ data: [UInt8], name: String, limits: ImageLimits) throws -> DecodedImage {
        var info = cnnspot_webp_info()
        try data.withUnsafeBufferPointer { buf in
            try shimCall(file: name) { cnnspot_webp_read_info(buf.baseAddress, buf.count, &info, $0) }
        }
        let width = Int(info.width), height = Int(info.height)
        try checkPixelLimit(width: width, height: height, limits: limits, file: name)
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        if info.has_animation != 0 {
            try data.withUnsafeBufferPointer { buf in
                try rgba.withUnsafeMutableBufferPointer { out in
                    try shimCall(file: name) {
                        cnnspot_webp_decode_first_frame_rgba(buf.baseAddress, buf.count, out.baseAddress, out.count, $0)
                    }
                }
            }
            return DecodedImage(
                image: PillowConvert.dropAlpha(rgba, width: width, height: height), format: .webp,
                sourceMode: "RGBA", bitDepth: 8, exifOrientation: nil)
        }
        try data.withUnsafeBufferPointer { buf in
            try rgba.withUnsafeMutableBufferPointer { out in
                try shimCall(file: name) { cnnspot_webp_decode_rgba(buf.baseAddress, buf.count, out.baseAddress, out.count, $0) }
            }
        }
        let image = PillowConvert.dropAlpha(rgba, width: width, height: height)
        return DecodedImage(
            image: image, format: .webp, sourceMode: info.has_alpha != 0 ? "RGBA" : "RGB",
            bitDepth: 8, exifOrientation: nil)
    }
}
