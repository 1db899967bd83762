import Foundation

/// One named curve of a line chart. `y` values that are NaN leave a gap.
public struct LineSeries: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// nil: the next palette colour / marker by series index.
    public var color: PlotColor?
    public var marker: MarkerShape?

    public init(name: String, x: [Double], y: [Double], color: PlotColor? = nil, marker: MarkerShape? = nil) {
        precondition(x.count == y.count, "LineSeries '\(name)': \(x.count) x values, \(y.count) y values")
        self.name = name; self.x = x; self.y = y; self.color = color; self.marker = marker
    }
}

public enum LegendPlacement: Sendable { case best, upperRight, upperLeft, lowerRight, lowerLeft, hidden }

/// A line chart rendered by our own code (no plotting library): title, axis titles, numeric
/// ticks with grid lines, several series with distinct colours and markers, and a legend.
/// Used for robustness curves (AP / accuracy against blur sigma or JPEG quality).
public struct LinePlot: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [LineSeries]
    public var width = 860
    public var height = 540
    /// Fixed axis ranges; nil: from the data (y widened to whole tick steps).
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    /// Draw x decreasing to the right (e.g. JPEG quality 100 down to 30).
    public var xReversed = false
    public var legend = LegendPlacement.best
    /// Text scale: 2 draws the 5x7 font at 10x14 pixels.
    public var fontScale = 2

    public init(title: String = "", xLabel: String = "", yLabel: String = "", series: [LineSeries] = []) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    public func color(ofSeries i: Int) -> PlotColor { series[i].color ?? PlotColor.palette[i % PlotColor.palette.count] }

    public func marker(ofSeries i: Int) -> MarkerShape {
        let cycle: [MarkerShape] = [.circle, .square, .triangle, .diamond, .invertedTriangle]
        return series[i].marker ?? cycle[i % cycle.count]
    }

    /// Where things go; `render()` draws exactly this.
    public func layout() -> LinePlotLayout {
        let s = fontScale
        let finite = series.flatMap { zip($0.x, $0.y).filter { $0.0.isFinite && $0.1.isFinite } }
        let xs = finite.map(\.0), ys = finite.map(\.1)
        var xr: ClosedRange<Double>, yr: ClosedRange<Double>, xt: NiceTicks, yt: NiceTicks
        func usable(_ r: ClosedRange<Double>?) -> ClosedRange<Double>? {
            guard let r = r, r.lowerBound.isFinite, r.upperBound.isFinite else { return nil }
            return r.upperBound > r.lowerBound ? r : NiceTicks.expanded(lower: r.lowerBound, upper: r.upperBound).range
        }
        if let r = usable(xRange) {
            xr = r; xt = NiceTicks(lower: r.lowerBound, upper: r.upperBound, target: 8)
        } else {
            let lo = xs.min() ?? 0, hi = xs.max() ?? 1
            xr = hi > lo ? lo...hi : NiceTicks.expanded(lower: lo, upper: hi).range
            xt = NiceTicks(lower: xr.lowerBound, upper: xr.upperBound, target: 8)
        }
        if let r = usable(yRange) {
            yr = r; yt = NiceTicks(lower: r.lowerBound, upper: r.upperBound)
        } else {
            (yr, yt) = NiceTicks.expanded(lower: ys.min() ?? 0, upper: ys.max() ?? 1)
        }
        let cap = BitmapFont.capHeight * s, line = BitmapFont.cellHeight * s
        let top = 14 + (title.isEmpty ? 6 : BitmapFont.cellHeight * (s + 1) + 8)
        let yTickWidth = yt.values.map { BitmapFont.width(of: yt.label($0), scale: s) }.max() ?? 0
        let left = 14 + (yLabel.isEmpty ? 0 : line + 10) + yTickWidth + 10
        let lastX = xt.label(xReversed ? xt.values.first ?? 0 : xt.values.last ?? 0)
        let right = max(24, BitmapFont.width(of: lastX, scale: s) / 2 + 10)
        let bottom = 6 + 8 + cap + (xLabel.isEmpty ? 18 : 14 + line + 10)
        let plot = (x: left, y: top, width: max(10, width - left - right), height: max(10, height - top - bottom))
        return LinePlotLayout(
            plotX: plot.x, plotY: plot.y, plotWidth: plot.width, plotHeight: plot.height,
            xRange: xr, yRange: yr, xTicks: xt, yTicks: yt, xReversed: xReversed)
    }
}

/// The geometry of a rendered `LinePlot`, in pixels (x right, y down).
public struct LinePlotLayout: Sendable {
    public var plotX: Int, plotY: Int, plotWidth: Int, plotHeight: Int
    public var xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
    public var xTicks: NiceTicks, yTicks: NiceTicks
    public var xReversed: Bool

    /// The pixel position (continuous; pixel centres at +0.5) of a data point.
    public func pixel(x: Double, y: Double) -> (x: Double, y: Double) {
        var fx = (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
        if xReversed { fx = 1 - fx }
        let fy = (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
        return (Double(plotX) + fx * Double(plotWidth - 1) + 0.5, Double(plotY) + (1 - fy) * Double(plotHeight - 1) + 0.5)
    }
}
