import Foundation

/// A drawing surface for the plots: 8-bit RGB pixels with alpha blending, antialiased lines and
/// shapes accumulated as coverage, and bitmap text. Row 0 is the top.
struct Raster {
    let width: Int, height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, background: PlotColor = .white) {
        self.width = width; self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<width * height {
            pixels[3 * i] = background.r; pixels[3 * i + 1] = background.g; pixels[3 * i + 2] = background.b
        }
    }

    var image: RGBImage { RGBImage(width: width, height: height, pixels: pixels) }

    mutating func blend(_ x: Int, _ y: Int, _ c: PlotColor, _ alpha: Double = 1) {
        guard x >= 0 && y >= 0 && x < width && y < height && alpha > 0 else { return }
        let i = 3 * (y * width + x), a = min(alpha, 1)
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 { UInt8((Double(old) * (1 - a) + Double(new) * a).rounded()) }
        pixels[i] = mix(pixels[i], c.r); pixels[i + 1] = mix(pixels[i + 1], c.g); pixels[i + 2] = mix(pixels[i + 2], c.b)
    }

    mutating func fillRect(x: Int, y: Int, w: Int, h: Int, _ c: PlotColor, alpha: Double = 1) {
        for yy in max(0, y)..<max(max(0, y), min(height, y + h)) {
            for xx in max(0, x)..<max(max(0, x), min(width, x + w)) { blend(xx, yy, c, alpha) }
        }
    }

    /// A one-pixel rectangle outline.
    mutating func strokeRect(x: Int, y: Int, w: Int, h: Int, _ c: PlotColor) {
        fillRect(x: x, y: y, w: w, h: 1, c); fillRect(x: x, y: y + h - 1, w: w, h: 1, c)
        fillRect(x: x, y: y, w: 1, h: h, c); fillRect(x: x + w - 1, y: y, w: 1, h: h, c)
    }

    /// Paints `mask` (coverage in [0, 1] per pixel) in colour `c`.
    mutating func composite(_ mask: CoverageMask, _ c: PlotColor) {
        for y in 0..<height {
            for x in 0..<width {
                let a = Double(mask.coverage[y * width + x])
                if a > 0 { blend(x, y, c, a) }
            }
        }
    }

    /// Draws `text` with its cell's top-left corner at (x, y); `vertical` turns it 90 degrees
    /// counter-clockwise (read bottom to top) with the rotated cell's top-left corner at (x, y).
    mutating func text(_ text: String, x: Int, y: Int, scale: Int, _ c: PlotColor, vertical: Bool = false) {
        let length = BitmapFont.width(of: text, scale: scale)
        for (k, ch) in text.enumerated() {
            for gy in 0..<BitmapFont.cellHeight {
                for gx in 0..<BitmapFont.glyphWidth where BitmapFont.ink(ch, x: gx, y: gy) {
                    let u = (k * BitmapFont.advance + gx) * scale, v = gy * scale  // position in the unrotated text
                    for sy in 0..<scale {
                        for sx in 0..<scale {
                            if vertical { blend(x + v + sy, y + length - 1 - (u + sx), c) } else { blend(x + u + sx, y + v + sy, c) }
                        }
                    }
                }
            }
        }
    }
}

/// Antialiased coverage of lines and shapes, combined with `max` so overlapping strokes of one
/// series do not darken where they join.
struct CoverageMask {
    let width: Int, height: Int
    var coverage: [Float]

    init(width: Int, height: Int) {
        self.width = width; self.height = height
        coverage = [Float](repeating: 0, count: width * height)
    }

    private mutating func put(_ x: Int, _ y: Int, _ a: Double) {
        guard x >= 0 && y >= 0 && x < width && y < height else { return }
        let i = y * width + x
        coverage[i] = max(coverage[i], Float(min(a, 1)))
    }

    /// The pixel indices from `lo` to `hi` clamped to `0..<limit`; nil if none (or not finite),
    /// so far-off coordinates never reach an `Int` conversion.
    private func span(_ lo: Double, _ hi: Double, _ limit: Int) -> ClosedRange<Int>? {
        guard lo.isFinite && hi.isFinite, hi >= 0, lo < Double(limit) else { return nil }
        return Int(max(lo, 0).rounded(.down))...Int(min(hi, Double(limit - 1)).rounded(.up))
    }

    /// A segment of thickness `w` with round caps, coverage from the distance to pixel centres.
    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, width w: Double) {
        let r = w / 2 + 1
        let dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy
        guard let ys = span(min(y0, y1) - r, max(y0, y1) + r, height),
            let xs = span(min(x0, x1) - r, max(x0, x1) + r, width)
        else { return }
        for y in ys {
            for x in xs {
                let px = Double(x) + 0.5, py = Double(y) + 0.5
                let t = len2 > 0 ? min(max(((px - x0) * dx + (py - y0) * dy) / len2, 0), 1) : 0
                let d = hypot(px - (x0 + t * dx), py - (y0 + t * dy))
                put(x, y, w / 2 + 0.5 - d)
            }
        }
    }

    /// A filled marker of radius `r` centred at (cx, cy), 4x4 supersampled.
    mutating func marker(_ shape: MarkerShape, _ cx: Double, _ cy: Double, radius r: Double) {
        guard shape != .none, let ys = span(cy - r - 1, cy + r + 1, height),
            let xs = span(cx - r - 1, cx + r + 1, width)
        else { return }
        for y in ys {
            for x in xs {
                var hits = 0
                for sy in 0..<4 {
                    for sx in 0..<4 {
                        let u = Double(x) + (Double(sx) + 0.5) / 4 - cx, v = Double(y) + (Double(sy) + 0.5) / 4 - cy
                        if shape.contains(u, v, r) { hits += 1 }
                    }
                }
                if hits > 0 { put(x, y, Double(hits) / 16) }
            }
        }
    }
}

/// Point markers of a line series.
public enum MarkerShape: Sendable, CaseIterable {
    case circle, square, triangle, diamond, invertedTriangle, none

    /// Whether offset (u, v) from the centre (v down) is inside the marker of radius r.
    func contains(_ u: Double, _ v: Double, _ r: Double) -> Bool {
        switch self {
        case .circle: return u * u + v * v <= r * r
        case .square: return abs(u) <= r * 0.85 && abs(v) <= r * 0.85
        case .diamond: return abs(u) + abs(v) <= r * 1.2
        case .triangle, .invertedTriangle:
            // Equilateral, centroid at the centre, circumradius 1.25 r; v grows towards the base.
            let w = self == .triangle ? v : -v, big = 1.25 * r
            return w <= big / 2 && w >= -big && abs(u) <= (w + big) / 3.0.squareRoot()
        case .none: return false
        }
    }
}
