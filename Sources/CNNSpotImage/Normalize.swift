/// torchvision `ToTensor()` then `Normalize(mean, std)`: `(Float32(v) / 255 - mean[c]) / std[c]`
/// in float32 with true division (the order torchvision uses), laid out CHW.
/// With only 256 possible inputs per channel the result is a table lookup, built once with the
/// same float32 arithmetic, so it is bit-identical to torchvision.
public struct TensorNormalization: Sendable {
    public let mean: [Float]
    public let std: [Float]
    /// `table[c * 256 + v]`.
    private let table: [Float]

    /// ImageNet statistics, as the reference uses: mean (0.485, 0.456, 0.406),
    /// std (0.229, 0.224, 0.225).
    public static let imageNet = TensorNormalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

    /// Plain `ToTensor()` (x / 255), no normalisation.
    public static let unit = TensorNormalization(mean: [0, 0, 0], std: [1, 1, 1])

    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == 3 && std.count == 3, "TensorNormalization: 3 channels")
        self.mean = mean
        self.std = std
        var t = [Float](repeating: 0, count: 3 * 256)
        for c in 0..<3 {
            for v in 0..<256 { t[c * 256 + v] = (Float(v) / 255 - mean[c]) / std[c] }
        }
        table = t
    }

    /// The image as a `[3, H, W]` row-major float32 buffer.
    public func chw(_ image: RGBImage) -> [Float] {
        var out = [Float](repeating: 0, count: 3 * image.width * image.height)
        write(image, into: &out, at: 0)
        return out
    }

    /// Writes the image as item `index` of an `[N, 3, H, W]` batch buffer (no intermediate
    /// copy). Throws when the buffer does not hold item `index` of that shape.
    public func write(_ image: RGBImage, into batch: inout [Float], index: Int) throws {
        let plane = image.width * image.height
        guard index >= 0, (index + 1) * 3 * plane <= batch.count else {
            throw ImageOpError("normalize", "batch buffer of \(batch.count) floats has no item \(index) of shape [3, \(image.height), \(image.width)]")
        }
        write(image, into: &batch, at: index * 3 * plane)
    }

    /// Writes the `height` x `width` window at (`top`, `left`) of `image` (0 outside the image,
    /// as `crop` fills), optionally mirrored left-right, as `[3, height, width]` at `offset`:
    /// crop + flip + ToTensor + Normalize in one pass, no intermediate images.
    /// `out` must hold `offset + 3 * height * width` values.
    func writeWindow(
        _ image: RGBImage, top: Int, left: Int, height: Int, width: Int, flip: Bool,
        into out: inout [Float], at offset: Int
    ) {
        let plane = height * width
        precondition(offset >= 0 && offset + 3 * plane <= out.count, "writeWindow: buffer too small")
        // Output columns whose source column lies inside the image: x in xs (flip mirrors it).
        let lo = max(0, -left), hi = min(width, image.width - left)
        image.pixels.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                table.withUnsafeBufferPointer { t in
                    for c in 0..<3 {
                        let tc = t.baseAddress! + c * 256
                        let zero = tc[0]
                        for y in 0..<height {
                            let o = d.baseAddress! + offset + c * plane + y * width
                            let sy = top + y
                            guard sy >= 0 && sy < image.height && lo < hi else {
                                for x in 0..<width { o[x] = zero }
                                continue
                            }
                            let src = s.baseAddress! + (sy * image.width + left) * 3 + c
                            if flip {
                                // Output x reads source column width - 1 - x.
                                for x in 0..<width {
                                    let k = width - 1 - x
                                    o[x] = (k >= lo && k < hi) ? tc[Int(src[k * 3])] : zero
                                }
                            } else {
                                for x in 0..<lo { o[x] = zero }
                                for x in lo..<hi { o[x] = tc[Int(src[x * 3])] }
                                for x in hi..<width { o[x] = zero }
                            }
                        }
                    }
                }
            }
        }
    }

    private func write(_ image: RGBImage, into out: inout [Float], at offset: Int) {
        let plane = image.width * image.height
        image.pixels.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                table.withUnsafeBufferPointer { t in
                    for c in 0..<3 {
                        let o = offset + c * plane, tc = c * 256
                        for i in 0..<plane { d[o + i] = t[tc + Int(s[i * 3 + c])] }
                    }
                }
            }
        }
    }
}
