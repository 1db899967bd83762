import Foundation
import CNNSpotImage
import CNNSpotNN

/// Conversions between 8-bit patches and the generators' float tensors.
///
/// - In: `x = pixel / 255` as Float (ToTensor), `[1, 3, H, W]`, channels R, G, B.
/// - Out: `pixel = floor(clamp(y, 0, 1) * 255 + 0.5)` in Float (round half up; NaN gives 0).
/// - Sizes a network cannot take (not a multiple of its stride) are padded on the right and
///   bottom by repeating the last row/column (`padded(_:multiple:)`), and the output cropped back.
public enum SynthTensor {
    public static func tensor(_ image: RGBImage) -> HostTensor {
        let (w, h) = (image.width, image.height), plane = w * h
        var data = [Float](repeating: 0, count: 3 * plane)
        image.pixels.withUnsafeBufferPointer { px in
            for i in 0..<plane {
                for c in 0..<3 { data[c * plane + i] = Float(px[i * 3 + c]) / 255 }
            }
        }
        return HostTensor(shape: [1, 3, h, w], data: data)
    }

    /// One value to a pixel: round half up of the clamped value times 255.
    @inline(__always)
    public static func pixel(_ v: Float) -> UInt8 {
        guard v > 0 else { return 0 }  // also NaN
        return UInt8(min(255, (min(v, 1) * 255 + 0.5).rounded(.down)))
    }

    /// The top-left `width x height` of the first image of `t` (`[N, 3, H, W]`) as pixels.
    public static func image(_ t: HostTensor, width: Int, height: Int) throws -> RGBImage {
        guard t.shape.count == 4, t.shape[1] == 3, t.shape[2] >= height, t.shape[3] >= width else {
            throw SynthFamilyError.failed(family: "synth", reason: "generator output \(t.shape) for a \(width)x\(height) patch")
        }
        let (th, tw) = (t.shape[2], t.shape[3]), plane = th * tw
        var px = [UInt8](repeating: 0, count: width * height * 3)
        t.data.withUnsafeBufferPointer { d in
            for y in 0..<height {
                for x in 0..<width {
                    for c in 0..<3 { px[(y * width + x) * 3 + c] = pixel(d[c * plane + y * tw + x]) }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: px)
    }

    /// `image` grown to multiples of `m` by repeating its last column and row.
    public static func padded(_ image: RGBImage, multiple m: Int) -> RGBImage {
        let w = (image.width + m - 1) / m * m, h = (image.height + m - 1) / m * m
        if w == image.width && h == image.height { return image }
        var out = RGBImage(width: w, height: h)
        for y in 0..<h {
            let sy = min(y, image.height - 1)
            for x in 0..<w {
                let sx = min(x, image.width - 1)
                for c in 0..<3 { out.pixels[(y * w + x) * 3 + c] = image.pixels[(sy * image.width + sx) * 3 + c] }
            }
        }
        return out
    }

    /// PSNR in dB of `b` against `a` over all pixels and channels (infinity when equal).
    public static func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
        precondition(a.width == b.width && a.height == b.height)
        var se = 0.0
        for i in a.pixels.indices { let d = Double(a.pixels[i]) - Double(b.pixels[i]); se += d * d }
        let mse = se / Double(a.pixels.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }
}
