import CImageShims
import Foundation

/// Gaussian blur with the semantics of the reference's augmentation (CNNDetection
/// `data/datasets.py`, `gaussian_blur`): for each channel
/// `scipy.ndimage.gaussian_filter(img[:,:,c], output=img[:,:,c], sigma=sigma)` on uint8 data.
///
/// What that call does, and what is reproduced here byte for byte:
/// - `sigma <= 1e-15`: no filtering, the image is returned unchanged.
/// - radius `int(4.0 * sigma + 0.5)` (truncate 4.0); kernel `exp(-0.5 / sigma^2 * x^2)` for
///   x in -radius...radius in float64, divided by its NumPy (pairwise) sum.
/// - two separable `correlate1d` passes, axis 0 (down the columns) then axis 1 (along rows),
///   mode 'reflect' (`d c b a | a b c d | d c b a`, repeated when the image is smaller than the
///   radius); SciPy sums a symmetric kernel as `w0 * x[i] + sum_{j=-r}^{-1} (x[i+j] + x[i-j]) * w[j]`.
/// - the output array is uint8, so each pass's float64 result is **truncated** (C cast) into
///   uint8 and the second pass reads those truncated bytes: a flat 100 image blurred with
///   sigma 0.3 becomes 98.
///
/// Known limit: NumPy on AVX-512 machines computes `exp` with its own SIMD code, which can
/// differ from the C library's `exp` (used here) by one ulp in a kernel weight; after
/// truncation that changes a byte in rare cases (4 of 7.3 M bytes over 37 random sigmas on
/// a 256x256 photo, measured with the fixture script's libraries).
///
/// - Parameters:
///   - image: HWC RGB uint8.
///   - sigma: standard deviation in pixels, finite, 0...256.
/// - Returns: the blurred image, same size.
public func gaussianBlur(_ image: RGBImage, sigma: Double) throws -> RGBImage {
    var out = image
    try gaussianBlurInPlace(&out, sigma: sigma)
    return out
}

/// In-place variant of `gaussianBlur(_:sigma:)`.
public func gaussianBlurInPlace(_ image: inout RGBImage, sigma: Double) throws {
    guard sigma.isFinite, sigma >= 0, sigma <= 256 else {
        throw ImageOpError("gaussianBlur", "sigma must be finite and in 0...256, got \(sigma)")
    }
    guard sigma > 1e-15, image.width > 0, image.height > 0 else { return }
    let weights = gaussianKernel1D(sigma: sigma)
    let radius = weights.count / 2
    var line = [Double](repeating: 0, count: image.width * 3)
    // The code path (asked once per image, so a forced CNNSPOT_SIMD holds for both passes) and
    // the tap-pointer table both passes fill: `radius` pointers to the lower taps, then the upper.
    let level = cnnspot_simd_level()
    let taps = UnsafeMutablePointer<UnsafePointer<Double>?>.allocate(capacity: max(2 * radius, 1))
    defer { taps.deallocate() }
    blurColumns(&image, weights: weights, radius: radius, line: &line, taps: taps, level: level)
    blurRows(&image, weights: weights, radius: radius, line: &line, taps: taps, level: level)
}

/// SciPy's `_gaussian_kernel1d(sigma, 0, radius)`: `2 * radius + 1` float64 weights summing to 1
/// (the sum taken in NumPy's pairwise order so the normalised weights are bit-identical).
public func gaussianKernel1D(sigma: Double) -> [Double] {
    let radius = Int(4.0 * sigma + 0.5)
    let c = -0.5 / (sigma * sigma)
    var phi = [Double](repeating: 0, count: 2 * radius + 1)
    for i in 0..<phi.count {
        let x = i - radius
        phi[i] = exp(c * Double(x * x))
    }
    let sum = numpyPairwiseSum(phi[...])
    for i in 0..<phi.count { phi[i] = phi[i] / sum }
    return phi
}

/// NumPy's `pairwise_sum` for float64 (umath loops): plain loop below 8 items, eight
/// interleaved accumulators up to 128, halves (multiple of 8) above.
func numpyPairwiseSum(_ a: ArraySlice<Double>) -> Double {
    let n = a.count
    let b = a.startIndex
    if n < 8 {
        var res = 0.0
        for v in a { res += v }
        return res
    } else if n <= 128 {
        var r = (a[b], a[b + 1], a[b + 2], a[b + 3], a[b + 4], a[b + 5], a[b + 6], a[b + 7])
        var i = 8
        while i < n - (n % 8) {
            r.0 += a[b + i]; r.1 += a[b + i + 1]; r.2 += a[b + i + 2]; r.3 += a[b + i + 3]
            r.4 += a[b + i + 4]; r.5 += a[b + i + 5]; r.6 += a[b + i + 6]; r.7 += a[b + i + 7]
            i += 8
        }
        var res = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
        while i < n { res += a[b + i]; i += 1 }
        return res
    } else {
        var n2 = n / 2
        n2 -= n2 % 8
        return numpyPairwiseSum(a[b..<(b + n2)]) + numpyPairwiseSum(a[(b + n2)...])
    }
}

/// Index of `i` in a line of `n` samples extended with SciPy's 'reflect' mode
/// (half-sample symmetric, period 2n).
@inline(__always) func reflectIndex(_ i: Int, _ n: Int) -> Int {
    if n == 1 { return 0 }
    let period = 2 * n
    var m = i % period
    if m < 0 { m += period }
    return m < n ? m : period - 1 - m
}

/// C's `(npy_ubyte)value` (truncation) for the values a normalised non-negative kernel can
/// produce, clamped to 0...255, without Swift's trapping float-to-int conversion so loops
/// vectorise: adding 2^52 rounds `c` to the nearest integer `n` (exactly, ulp 1), whose low
/// byte is the bit pattern's; when `n > c` the truncation is `n - 1`.
@inline(__always) func truncateToUInt8(_ v: Double) -> UInt8 {
    let c = min(max(v, 0), 255)
    let t = c + 0x1p52
    let n = UInt8(truncatingIfNeeded: t.bitPattern)
    return (t - 0x1p52) > c ? n &- 1 : n
}

/// The taps of one output line: `acc[i] += (lo[k][i] + hi[k][i]) * w[k]` for k in 0..<radius
/// (farthest tap first), in C with run-time CPU dispatch (`cnnspot_blur_taps`: baseline, AVX2
/// or AVX-512 loops, all bit-identical: vectorised across outputs only, multiply and add never
/// fused). `taps` holds `lo` then `hi`, `radius` pointers each.
@inline(__always)
private func accumulateTaps(
    _ acc: UnsafeMutablePointer<Double>, n: Int, radius: Int, weights w: UnsafeBufferPointer<Double>,
    taps: UnsafeMutablePointer<UnsafePointer<Double>?>, level: Int32
) {
    cnnspot_blur_taps(acc, n, Int32(radius), w.baseAddress!, taps, taps + radius, level)
}

/// Pass 1, axis 0: each output byte reads its column. Work goes in vertical strips of
/// `stripValues` bytes per row: a strip is converted to float64 once (so memory stays
/// `8 * height * stripValues` bytes whatever the width), then each output row of the strip is
/// accumulated over contiguous values (vectorised).
private func blurColumns(
    _ image: inout RGBImage, weights: [Double], radius: Int, line: inout [Double],
    taps: UnsafeMutablePointer<UnsafePointer<Double>?>, level: Int32
) {
    let h = image.height, rowLen = image.width * 3
    let stripValues = min(rowLen, 384)
    let rows = (0..<(h + 2 * radius)).map { reflectIndex($0 - radius, h) }
    var plane = [Double](repeating: 0, count: h * stripValues)
    image.pixels.withUnsafeMutableBufferPointer { d in
        plane.withUnsafeMutableBufferPointer { p in
            line.withUnsafeMutableBufferPointer { a in
                weights.withUnsafeBufferPointer { w in
                    rows.withUnsafeBufferPointer { rowIndex in
                        let pp = p.baseAddress!, ap = a.baseAddress!, dp = d.baseAddress!
                        let w0 = w[radius]
                        for x0 in stride(from: 0, to: rowLen, by: stripValues) {
                            let n = min(stripValues, rowLen - x0)
                            for y in 0..<h {
                                let src = dp + y * rowLen + x0, dst = pp + y * n
                                for i in 0..<n { dst[i] = Double(src[i]) }
                            }
                            for y in 0..<h {
                                let centre = pp + rowIndex[y + radius] * n
                                for i in 0..<n { ap[i] = centre[i] * w0 }
                                for k in 0..<radius {  // tap j = k - radius
                                    taps[k] = UnsafePointer(pp + rowIndex[y + k] * n)
                                    taps[radius + k] = UnsafePointer(pp + rowIndex[y + 2 * radius - k] * n)
                                }
                                accumulateTaps(ap, n: n, radius: radius, weights: w, taps: taps, level: level)
                                let o = dp + y * rowLen + x0
                                for i in 0..<n { o[i] = truncateToUInt8(ap[i]) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Pass 2, axis 1: each row is copied into a reflect-padded float64 line, then filtered across
/// the whole row (neighbours are 3 values apart: interleaved RGB).
private func blurRows(
    _ image: inout RGBImage, weights: [Double], radius: Int, line: inout [Double],
    taps: UnsafeMutablePointer<UnsafePointer<Double>?>, level: Int32
) {
    let w = image.width, h = image.height, rowLen = w * 3
    let cols = (0..<(w + 2 * radius)).map { reflectIndex($0 - radius, w) }
    var padded = [Double](repeating: 0, count: (w + 2 * radius) * 3)
    image.pixels.withUnsafeMutableBufferPointer { px in
        padded.withUnsafeMutableBufferPointer { l in
            line.withUnsafeMutableBufferPointer { a in
                weights.withUnsafeBufferPointer { k in
                    cols.withUnsafeBufferPointer { colIndex in
                        let w0 = k[radius]
                        let lp = l.baseAddress!, ap = a.baseAddress!
                        let centre = lp + radius * 3
                        for t in 0..<radius {  // tap j = t - radius, 3 values per pixel
                            taps[t] = UnsafePointer(centre + (t - radius) * 3)
                            taps[radius + t] = UnsafePointer(centre + (radius - t) * 3)
                        }
                        for y in 0..<h {
                            let row = px.baseAddress! + y * rowLen
                            for p in 0..<colIndex.count {
                                let s = row + colIndex[p] * 3
                                lp[p * 3] = Double(s[0]); lp[p * 3 + 1] = Double(s[1]); lp[p * 3 + 2] = Double(s[2])
                            }
                            for i in 0..<rowLen { ap[i] = centre[i] * w0 }
                            accumulateTaps(ap, n: rowLen, radius: radius, weights: k, taps: taps, level: level)
                            for i in 0..<rowLen { row[i] = truncateToUInt8(ap[i]) }
                        }
                    }
                }
            }
        }
    }
}
