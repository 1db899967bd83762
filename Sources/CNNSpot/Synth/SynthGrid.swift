import CNNSpotImage

/// One patch position: grid cell `index` (row-major over the full grid, as MiniSynths v1 names
/// them `_c<index>`) with its top-left corner in the (scaled) photo.
public struct SynthCell: Equatable, Codable, Sendable {
    public var index: Int
    public var left: Int
    public var top: Int

    public init(index: Int, left: Int, top: Int) { self.index = index; self.left = left; self.top = top }
}

/// The MiniSynths v1 patch grid (its README "Recipe", and the crop boxes in its `.plan.json`):
/// `n = L / size` cells per axis; one cell is centred (`(L - size) / 2`), several are spread from
/// edge to edge (`i * (L - size) / (n - 1)`, integer division).
///
/// With a JPEG block grid to respect (`--jpeg-align` at scale 1), the grid is laid over the part
/// of the image that starts at the first block boundary (`phase`) and each position is moved
/// down to a multiple of `step` (the MCU) from there; since `size` is a multiple of `step`,
/// cells still do not overlap.
public enum SynthGrid {
    /// Cell origins along one axis of `length` pixels.
    public static func positions(length: Int, size: Int, phase: Int = 0, step: Int = 1) -> [Int] {
        let usable = length - phase
        let n = usable / size
        guard n >= 1 else { return [] }
        func snap(_ p: Int) -> Int { phase + p / step * step }
        if n == 1 { return [snap((usable - size) / 2)] }
        return (0..<n).map { snap($0 * (usable - size) / (n - 1)) }
    }

    /// Every cell of the grid, row-major.
    public static func cells(
        width: Int, height: Int, size: Int,
        phase: (x: Int, y: Int) = (0, 0), step: (x: Int, y: Int) = (1, 1)
    ) -> [SynthCell] {
        let xs = positions(length: width, size: size, phase: phase.x, step: step.x)
        let ys = positions(length: height, size: size, phase: phase.y, step: step.y)
        var out: [SynthCell] = []
        for (r, y) in ys.enumerated() {
            for (c, x) in xs.enumerated() { out.append(SynthCell(index: r * xs.count + c, left: x, top: y)) }
        }
        return out
    }

    /// Which `k` of `m` candidates to keep: `numpy.linspace(0, m - 1, k).round()` (half to
    /// even), so the first and last are kept and the rest spread between; all when `k >= m`.
    public static func evenlySpaced(count m: Int, keep k: Int) -> [Int] {
        guard k < m else { return Array(0..<m) }
        guard k > 1 else { return k == 1 ? [0] : [] }
        return (0..<k).map { j in
            Int((Double(j) * Double(m - 1) / Double(k - 1)).rounded(.toNearestOrEven))
        }
    }

    /// Population standard deviation of Pillow's `convert('L')` luminance
    /// (`(19595 R + 38470 G + 7471 B + 0x8000) >> 16`) over a `size` x `size` cell.
    public static func luminanceStd(_ image: RGBImage, cell: SynthCell, size: Int) -> Double {
        var sum = 0.0, sumSq = 0.0
        image.pixels.withUnsafeBufferPointer { p in
            for y in cell.top..<(cell.top + size) {
                var rowSum = 0, rowSq = 0
                var i = (y * image.width + cell.left) * 3
                for _ in 0..<size {
                    let l = (19595 * Int(p[i]) + 38470 * Int(p[i + 1]) + 7471 * Int(p[i + 2]) + 0x8000) >> 16
                    rowSum += l; rowSq += l * l
                    i += 3
                }
                sum += Double(rowSum); sumSq += Double(rowSq)
            }
        }
        let n = Double(size * size)
        let mean = sum / n
        return (max(0, sumSq / n - mean * mean)).squareRoot()
    }

    /// The kept cells: the grid, minus near-flat cells, then at most `keep` evenly spaced.
    public static func keptCells(
        _ image: RGBImage, size: Int, keep: Int, minStd: Double,
        phase: (x: Int, y: Int) = (0, 0), step: (x: Int, y: Int) = (1, 1)
    ) -> [SynthCell] {
        let candidates = cells(width: image.width, height: image.height, size: size, phase: phase, step: step)
            .filter { luminanceStd(image, cell: $0, size: size) >= minStd }
        return evenlySpaced(count: candidates.count, keep: keep).map { candidates[$0] }
    }
}
