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
