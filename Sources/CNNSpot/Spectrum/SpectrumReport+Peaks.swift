import Foundation

extension SpectrumReport {
    /// The peak view of a centred spectrum (row-major `height x width`): each value minus the
    /// median of the `window x window` neighbourhood around it, the spectrum taken as periodic
    /// (SciPy `median_filter(mode='wrap')`; a spectrum wraps around). The smooth fall-off of the
    /// residual's spectrum cancels and isolated peaks (periodic up-sampling traces) stand out;
    /// a flat spectrum becomes about 0. For an even window the upper middle value is used.
    public static func peakView(_ plane: [Double], width: Int, height: Int, window: Int) -> [Double] {
        precondition(plane.count == width * height && window >= 1, "peakView: \(plane.count) values for \(width)x\(height)")
        let r = window / 2, rank = window * window / 2
        var out = [Double](repeating: 0, count: plane.count)
        var buf = [Double](repeating: 0, count: window * window)
        for y in 0..<height {
            for x in 0..<width {
                var k = 0
                for dy in -r..<(window - r) {
                    let row = ((y + dy) % height + height) % height * width
                    for dx in -r..<(window - r) {
                        buf[k] = plane[row + ((x + dx) % width + width) % width]; k += 1
                    }
                }
                buf.sort()
                out[y * width + x] = plane[y * width + x] - buf[rank]
            }
        }
        return out
    }

    /// Positions (row, column) in a centred `height x width` spectrum of the frequencies where
    /// 4x up-sampling (or two 2x stages) leaves peaks: every combination of
    /// {0, +-1/4, 1/2} cycles per pixel on each axis except zero (15 points for a square size
    /// divisible by 4). +-1/2 is one frequency, at row/column 0 after `fftshift`.
    public static func upsamplingFrequencies(width: Int, height: Int) -> [(row: Int, column: Int)] {
        func offsets(_ n: Int) -> [Int] {
            Array(Set([-(n / 2), -(n / 4), 0, n / 4].map { (($0 + n / 2) % n + n) % n })).sorted()
        }
        let rows = offsets(height), cols = offsets(width)
        return rows.flatMap { r in cols.map { (row: r, column: $0) } }.filter { $0.row != height / 2 || $0.column != width / 2 }
    }

    /// Mean of the peak view at the up-sampling frequencies: about 0 for a smooth spectrum,
    /// clearly positive when those frequencies stand above their neighbourhood.
    public static func upsamplingPeakStrength(_ plane: [Double], width: Int, height: Int, window: Int = 9) -> Double {
        let view = peakView(plane, width: width, height: height, window: window)
        let points = upsamplingFrequencies(width: width, height: height)
        return points.reduce(0) { $0 + view[$1.row * width + $1.column] } / Double(points.count)
    }
}
