import Foundation

/// Pillow's convolution filters (`libImaging/Resample.c`) and their support radii.
enum PillowFilter {
    case bilinear, bicubic, lanczos

    var support: Double {
        switch self {
        case .bilinear: return 1.0
        case .bicubic: return 2.0
        case .lanczos: return 3.0
        }
    }

    @inline(__always) func callAsFunction(_ x: Double) -> Double {
        switch self {
        case .bilinear:
            let ax = x < 0 ? -x : x
            return ax < 1.0 ? 1.0 - ax : 0.0
        case .bicubic:
            // Keys cubic, a = -0.5, written in Pillow's order of operations.
            let a = -0.5
            let ax = x < 0 ? -x : x
            if ax < 1.0 { return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1 }
            if ax < 2.0 { return (((ax - 5) * ax + 8) * ax - 4) * a }
            return 0.0
        case .lanczos:
            if -3.0 <= x && x < 3.0 { return PillowFilter.sinc(x) * PillowFilter.sinc(x / 3) }
            return 0.0
        }
    }

    @inline(__always) static func sinc(_ x: Double) -> Double {
        if x == 0.0 { return 1.0 }
        let px = x * Double.pi
        return sin(px) / px
    }
}

/// Pillow's `PRECISION_BITS` for 8-bit images: 32 - 8 - 2.
private let precisionBits = 22

/// Per output pixel along one axis: first input index, tap count, and `ksize` fixed-point
/// weights (`precompute_coeffs` followed by `normalize_coeffs_8bpc`).
struct ResampleCoefficients {
    var ksize: Int
    var start: [Int]
    var count: [Int]
    var weights: [Int32]

    init(inSize: Int, outSize: Int, filter: PillowFilter) {
        // Pillow passes the box as float; for a whole image in0 = 0 and in1 = inSize exactly.
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1.0)
        let support = filter.support * filterScale
        ksize = Int(support.rounded(.up)) * 2 + 1
        start = [Int](repeating: 0, count: outSize)
        count = [Int](repeating: 0, count: outSize)
        weights = [Int32](repeating: 0, count: outSize * ksize)
        var k = [Double](repeating: 0, count: ksize)
        let ss = 1.0 / filterScale
        for xx in 0..<outSize {
            let center = 0.0 + (Double(xx) + 0.5) * scale
            var xmin = Int(center - support + 0.5)
            if xmin < 0 { xmin = 0 }
            var xmax = Int(center + support + 0.5)
            if xmax > inSize { xmax = inSize }
            xmax -= xmin
            var ww = 0.0
            for x in 0..<xmax {
                let w = filter((Double(x + xmin) - center + 0.5) * ss)
                k[x] = w
                ww += w
            }
            for x in 0..<xmax where ww != 0.0 { k[x] /= ww }
            for x in 0..<xmax {
                let v = k[x] * Double(1 << precisionBits)
                weights[xx * ksize + x] = Int32(v < 0 ? (-0.5 + v) : (0.5 + v))
            }
            start[xx] = xmin
            count[xx] = xmax
        }
    }
}

/// `clip8`: the accumulator (with its 0.5 rounding bias) shifted down and clamped to 0...255.
@inline(__always) private func clip8(_ v: Int) -> UInt8 {
    let s = v >> precisionBits
    return s < 0 ? 0 : (s > 255 ? 255 : UInt8(s))
}

/// `ImagingResampleInner` for an RGB image. A pass whose size is unchanged is skipped.
/// Pass order (Pillow 13, python-pillow/Pillow#9549): vertical first when the height shrinks
/// by more than twice as many pixels as the width does; otherwise horizontal first, over only
/// the rows the vertical pass reads. The order changes results (each pass rounds to 8 bits).
func pillowResample(_ image: RGBImage, width: Int, height: Int, filter: PillowFilter) -> RGBImage {
    let needH = width != image.width
    let needV = height != image.height
    let verticalFirst = height < image.height && (image.height - height) > (image.width - width) * 2
    let vert = ResampleCoefficients(inSize: image.height, outSize: height, filter: filter)
    if !needH {
        return needV ? resampleVertical(image, height: height, coeffs: vert) : image
    }
    let horiz = ResampleCoefficients(inSize: image.width, outSize: width, filter: filter)
    if verticalFirst {
        let tall = needV ? resampleVertical(image, height: height, coeffs: vert) : image
        return resampleHorizontal(tall, rows: 0..<tall.height, width: width, coeffs: horiz)
    }
    let firstRow = vert.start[0]
    let lastRow = vert.start[height - 1] + vert.count[height - 1]
    let wide = resampleHorizontal(image, rows: firstRow..<lastRow, width: width, coeffs: horiz)
    guard needV else { return wide }
    var shifted = vert
    for i in 0..<height { shifted.start[i] -= firstRow }
    return resampleVertical(wide, height: height, coeffs: shifted)
}

private func resampleHorizontal(
    _ image: RGBImage, rows: Range<Int>, width: Int,
    coeffs: ResampleCoefficients
) -> RGBImage {
    var out = RGBImage(width: width, height: rows.count)
    let inRow = image.width * 3, outRow = width * 3, ksize = coeffs.ksize
    let half = 1 << (precisionBits - 1)
    image.pixels.withUnsafeBufferPointer { s in
        out.pixels.withUnsafeMutableBufferPointer { d in
            coeffs.weights.withUnsafeBufferPointer { kk in
                for (oy, y) in rows.enumerated() {
                    for xx in 0..<width {
                        let xmin = coeffs.start[xx], n = coeffs.count[xx]
                        var s0 = half, s1 = half, s2 = half
                        var p = y * inRow + xmin * 3
                        let kb = xx * ksize
                        for x in 0..<n {
                            let w = Int(kk[kb + x])
                            s0 += Int(s[p]) * w; s1 += Int(s[p + 1]) * w; s2 += Int(s[p + 2]) * w
                            p += 3
                        }
                        let o = oy * outRow + xx * 3
                        d[o] = clip8(s0); d[o + 1] = clip8(s1); d[o + 2] = clip8(s2)
                    }
                }
            }
        }
    }
    return out
}

private func resampleVertical(_ image: RGBImage, height: Int, coeffs: ResampleCoefficients) -> RGBImage {
    var out = RGBImage(width: image.width, height: height)
    let rowLen = image.width * 3, ksize = coeffs.ksize
    let half = 1 << (precisionBits - 1)
    var acc = [Int](repeating: 0, count: rowLen)
    image.pixels.withUnsafeBufferPointer { s in
        out.pixels.withUnsafeMutableBufferPointer { d in
            acc.withUnsafeMutableBufferPointer { a in
                coeffs.weights.withUnsafeBufferPointer { kk in
                    for yy in 0..<height {
                        let ymin = coeffs.start[yy], n = coeffs.count[yy]
                        for i in 0..<rowLen { a[i] = half }
                        // Row-at-a-time accumulation: integer sums, so the order is free.
                        for y in 0..<n {
                            let w = Int(kk[yy * ksize + y])
                            let r = (ymin + y) * rowLen
                            for i in 0..<rowLen { a[i] += Int(s[r + i]) * w }
                        }
                        let o = yy * rowLen
                        for i in 0..<rowLen { d[o + i] = clip8(a[i]) }
                    }
                }
            }
        }
    }
    return out
}

/// Pillow's NEAREST resize (`ImagingScaleAffine`): source column `COORD(xo)` with
/// `xo = in/out * 0.5`, then `xo += in/out` per column (float64 accumulation); rows alike.
func pillowNearest(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    let a0 = Double(image.width) / Double(width)
    let a4 = Double(image.height) / Double(height)
    var xin = [Int](repeating: 0, count: width)
    var xo = a0 * 0.5
    for x in 0..<width {
        let c = xo < 0 ? -1 : Int(xo)
        xin[x] = c < image.width ? c : -1  // Pillow leaves such pixels 0 (fill)
        xo += a0
    }
    var out = RGBImage(width: width, height: height)
    var yo = a4 * 0.5
    let inRow = image.width * 3, outRow = width * 3
    image.pixels.withUnsafeBufferPointer { s in
        out.pixels.withUnsafeMutableBufferPointer { d in
            for y in 0..<height {
                let yi = yo < 0 ? -1 : Int(yo)
                yo += a4
                guard yi >= 0 && yi < image.height else { continue }
                for x in 0..<width where xin[x] >= 0 {
                    let si = yi * inRow + xin[x] * 3, di = y * outRow + x * 3
                    d[di] = s[si]; d[di + 1] = s[si + 1]; d[di + 2] = s[si + 2]
                }
            }
        }
    }
    return out
}
