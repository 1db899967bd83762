import CImageShims

extension ImageDecoder {
    /// JPEG as Pillow reads it: libjpeg defaults (islow DCT, fancy upsampling); 1 component
    /// opens as "L", 3 as "RGB" (libjpeg's YCbCr->RGB), 4 as "CMYK" with Pillow's rawmode
    /// "CMYK;I" (always inverted, the Adobe convention; YCCK is converted to CMYK by libjpeg
    /// first), then `convert('RGB')`. 8-bit precision only (Pillow refuses others too).
    static func decodeJPEG(_ data: [UInt8], name: String, limits: ImageLimits) throws -> DecodedImage {
        var info = cnnspot_jpeg_info()
        try data.withUnsafeBufferPointer { buf in
            try shimCall(file: name) { cnnspot_jpeg_read_info(buf.baseAddress, buf.count, &info, $0) }
        }
        let width = Int(info.width), height = Int(info.height), comps = Int(info.components)
        try checkPixelLimit(width: width, height: height, limits: limits, file: name)
        guard comps == 1 || comps == 3 || comps == 4 else {
            throw ImageError(file: name, reason: .unsupported, detail: "cannot handle \(comps)-component JPEG")
        }
        var samples = [UInt8](repeating: 0, count: width * height * comps)
        try data.withUnsafeBufferPointer { buf in
            try samples.withUnsafeMutableBufferPointer { out in
                try shimCall(file: name) {
                    cnnspot_jpeg_decode(
                        buf.baseAddress, buf.count, Int32(clamping: limits.maxJPEGScans),
                        out.baseAddress, out.count, $0)
                }
            }
        }
        let image: RGBImage
        let mode: String
        switch comps {
        case 1:
            image = PillowConvert.greyToRGB(samples, width: width, height: height)
            mode = "L"
        case 3:
            image = RGBImage(width: width, height: height, pixels: samples)
            mode = "RGB"
        default:
            image = PillowConvert.invertedCMYKToRGB(samples, width: width, height: height)
            mode = "CMYK"
        }
        return DecodedImage(image: image, format: .jpeg, sourceMode: mode, bitDepth: 8, exifOrientation: nil)
    }
}
