import CImageShims

extension ImageEncoder {
    /// JPEG of `image` with the quantisation tables, table assignment and sampling factors of
    /// another JPEG file (`JPEGQuantization.read`), otherwise libjpeg's defaults as in
    /// `jpeg(_:quality:)`. Re-encoding a patch cut on `quantization`'s block grid with this
    /// gives it the same quantisation as the file it came from. Greyscale sources (one
    /// component) use their table for all three YCbCr components at 1x1 sampling.
    public static func jpeg(_ image: RGBImage, matching quantization: JPEGQuantization) throws -> [UInt8] {
        let name = "<JPEG encoder>"
        guard image.width > 0, image.height > 0, image.width <= 65500, image.height <= 65500 else {
            throw ImageError(file: name, reason: .invalidArgument, detail: "cannot encode a \(image.width)x\(image.height) image")
        }
        var q = quantization
        if q.components == 1 {
            q.horizontalSampling = [1, 1, 1]; q.verticalSampling = [1, 1, 1]
            q.tableOfComponent = Array(repeating: q.tableOfComponent[0], count: 3)
        }
        guard q.components == 3 else {
            throw ImageError(file: name, reason: .unsupported, detail: "cannot re-encode like a \(q.components)-component JPEG")
        }
        var c = q.cValue()
        var out: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        try image.pixels.withUnsafeBufferPointer { rgb in
            try shimCall(file: name) {
                cnnspot_jpeg_encode_rgb_quant(rgb.baseAddress!, Int32(image.width), Int32(image.height), &c, &out, &size, $0)
            }
        }
        defer { cnnspot_free(out) }
        guard let bytes = out else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }
}
