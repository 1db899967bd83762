import CImageShims

extension ImageDecoder {
    /// GIF: the first frame, as Pillow 13 opens it ("P", or "L" without a colour table) and
    /// `convert('RGB')` maps it through the palette (transparency is not composited). The canvas,
    /// fill outside the frame and palette rules are in `gif_decode.c`. Later frames are not read.
    static func decodeGIF(_ data: [UInt8], name: String, limits: ImageLimits) throws -> DecodedImage {
        var info = cnnspot_gif_info()
        try data.withUnsafeBufferPointer { buf in
            try shimCall(file: name) { cnnspot_gif_read_info(buf.baseAddress, buf.count, &info, $0) }
        }
        let width = Int(info.width), height = Int(info.height)
        try checkPixelLimit(width: width, height: height, limits: limits, file: name)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        try data.withUnsafeBufferPointer { buf in
            try rgb.withUnsafeMutableBufferPointer { out in
                try shimCall(file: name) { cnnspot_gif_decode_rgb(buf.baseAddress, buf.count, out.baseAddress, out.count, $0) }
            }
        }
        return DecodedImage(
            image: RGBImage(width: width, height: height, pixels: rgb), format: .gif,
            sourceMode: info.has_palette != 0 ? "P" : "L", bitDepth: 8, exifOrientation: nil)
    }
}
