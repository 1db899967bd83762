import Foundation

/// Axis ticks at "nice" steps (1, 2, 2.5 or 5 times a power of ten), as plotting libraries pick them.
public struct NiceTicks: Sendable, Equatable {
    public var step: Double
    /// Tick values, increasing, all inside the range they were made for.
    public var values: [Double]
    /// Decimals that show every tick distinctly.
    public var decimals: Int

    /// About `target` ticks covering `lower...upper`.
    public init(lower: Double, upper: Double, target: Int = 6) {
        var lo = lower, hi = upper
        if !(hi - lo).isFinite { lo = 0; hi = 1 }  // NaN, infinite or overflowing spans
        if !(hi > lo) { let pad = lo == 0 ? 1 : abs(lo) * 0.1; lo -= pad; hi += pad }
        let raw = (hi - lo) / Double(max(target - 1, 1))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        self.init(lower: lo, upper: hi, step: nice * magnitude)
    }

    /// `lower...upper` widened outwards to whole steps (for an axis whose ends should be ticks).
    public static func expanded(lower: Double, upper: Double, target: Int = 6) -> (range: ClosedRange<Double>, ticks: NiceTicks) {
        let t = NiceTicks(lower: lower, upper: upper, target: target)
        var lo = lower, hi = upper
        if !(hi > lo) { let pad = lo == 0 ? 1 : abs(lo) * 0.1; lo -= pad; hi += pad }
        let a = (lo / t.step + 1e-9).rounded(.down) * t.step, b = (hi / t.step - 1e-9).rounded(.up) * t.step
        return (a...b, NiceTicks(lower: a, upper: b, step: t.step))
    }

    init(lower: Double, upper: Double, step: Double) {
        self.step = step
        guard step.isFinite && step > 0 && ((upper - lower) / step).magnitude < 1000 else {
            values = []; decimals = 0; return
        }
        let first = (lower / step - 1e-9).rounded(.up), last = (upper / step + 1e-9).rounded(.down)
        values = stride(from: first, through: last, by: 1).map { $0 * step }.map { abs($0) < step * 1e-9 ? 0 : $0 }
        decimals = NiceTicks.decimals(for: step)
    }

    static func decimals(for step: Double) -> Int {
        // Smallest count of decimals that writes the step exactly (2.5 needs one, 0.25 two).
        for d in 0...12 where abs((step * pow(10, Double(d))).rounded() - step * pow(10, Double(d))) < 1e-6 { return d }
        return 12
    }

    /// A tick value as text with `decimals` decimals (never "-0").
    public func label(_ v: Double) -> String {
        let s = String(format: "%.\(decimals)f", v)
        return s.hasPrefix("-") && Double(s) == 0 ? String(s.dropFirst()) : s
    }
}
