import Foundation

/// One titled image of values (row-major `height x width`), e.g. a mean spectrum.
public struct HeatmapPanel: Sendable {
    public var title: String
    public var width: Int, height: Int
    public var values: [Double]

    public init(title: String, width: Int, height: Int, values: [Double]) {
        precondition(
            width >= 1 && height >= 1 && values.count == width * height,
            "HeatmapPanel '\(title)': \(values.count) values for \(width)x\(height)")
        self.title = title; self.width = width; self.height = height; self.values = values
    }
}

/// Colour-mapped panels side by side (e.g. real | fake spectra) on one shared value range, with
/// titles and a colour bar, rendered by our own code.
public struct Heatmap: Sendable {
    public var panels: [HeatmapPanel]
    public var title: String
    public var colormap: Colormap
    /// Shared value range; nil: from the data between the `clipPercentile` and
    /// `100 - clipPercentile` percentiles (so one DC peak does not wash out the rest).
    public var range: ClosedRange<Double>?
    public var clipPercentile: Double
    /// Pixel magnification (nearest neighbour); nil: enough to make panels about 256 pixels.
    public var scale: Int?
    public var colorbar = true
    public var fontScale = 2

    public init(
        panels: [HeatmapPanel], title: String = "", colormap: Colormap = .viridis,
        range: ClosedRange<Double>? = nil, clipPercentile: Double = 0.5, scale: Int? = nil
    ) {
        self.panels = panels; self.title = title; self.colormap = colormap
        self.range = range; self.clipPercentile = clipPercentile; self.scale = scale
    }

    /// The value range mapped to the colour map's ends.
    public func valueRange() -> ClosedRange<Double> {
        if let r = range { return r }
        let v = panels.flatMap(\.values).filter(\.isFinite).sorted()
        guard !v.isEmpty else { return 0...1 }
        func pct(_ p: Double) -> Double { v[min(v.count - 1, max(0, Int((p / 100 * Double(v.count - 1)).rounded())))] }
        let lo = pct(clipPercentile), hi = pct(100 - clipPercentile)
        return hi > lo ? lo...hi : lo...(lo + 1)
    }

    /// Pixel magnification used.
    public var effectiveScale: Int {
        scale ?? max(1, 256 / max(1, panels.map { max($0.width, $0.height) }.max() ?? 1))
    }

    /// Top-left corner of each panel's image area in the rendered picture.
    public func panelOrigins() -> [(x: Int, y: Int)] { geometry().origins }

    func geometry() -> (origins: [(x: Int, y: Int)], width: Int, height: Int, barX: Int) {
        let k = effectiveScale, s = fontScale, margin = 16, gap = 24
        let top = margin + (title.isEmpty ? 0 : BitmapFont.cellHeight * (s + 1) + 10)
        let hasPanelTitles = panels.contains { !$0.title.isEmpty }
        let imageTop = top + (hasPanelTitles ? BitmapFont.cellHeight * s + 6 : 0)
        var x = margin
        var origins: [(x: Int, y: Int)] = []
        for p in panels {
            let slot = max(p.width * k, BitmapFont.width(of: p.title, scale: s))
            origins.append((x + (slot - p.width * k) / 2, imageTop))
            x += slot + gap
        }
        let maxH = panels.map { $0.height * k }.max() ?? 0
        let barX = x - gap + 20
        var w = x - gap + margin
        if colorbar {
            let t = NiceTicks(lower: valueRange().lowerBound, upper: valueRange().upperBound, target: 5)
            let labelW = t.values.map { BitmapFont.width(of: t.label($0), scale: s) }.max() ?? 0
            w = barX + 30 + labelW + margin
        }
        w = max(w, BitmapFont.width(of: title, scale: s + 1) + 2 * margin)
        return (origins, w, imageTop + maxH + margin, barX)
    }

    public func render() -> RGBImage {
        let g = geometry(), k = effectiveScale, s = fontScale
        var r = Raster(width: g.width, height: g.height)
        let vr = valueRange(), span = vr.upperBound - vr.lowerBound
        if !title.isEmpty {
            r.text(title, x: (g.width - BitmapFont.width(of: title, scale: s + 1)) / 2, y: 16, scale: s + 1, .text)
        }
        for (p, o) in zip(panels, g.origins) {
            if !p.title.isEmpty {
                let tw = BitmapFont.width(of: p.title, scale: s)
                r.text(p.title, x: o.x + (p.width * k - tw) / 2, y: o.y - BitmapFont.cellHeight * s - 2, scale: s, .text)
            }
            for y in 0..<p.height {
                for x in 0..<p.width {
                    let c = colormap.color(at: (p.values[y * p.width + x] - vr.lowerBound) / span)
                    r.fillRect(x: o.x + x * k, y: o.y + y * k, w: k, h: k, PlotColor(c.0, c.1, c.2))
                }
            }
        }
        if colorbar, let first = g.origins.first {
            let h = panels.map { $0.height * k }.max() ?? 0
            for y in 0..<h {
                let c = colormap.color(at: 1 - Double(y) / Double(max(h - 1, 1)))
                r.fillRect(x: g.barX, y: first.y + y, w: 18, h: 1, PlotColor(c.0, c.1, c.2))
            }
            r.strokeRect(x: g.barX - 1, y: first.y - 1, w: 20, h: h + 2, .axis)
            let t = NiceTicks(lower: vr.lowerBound, upper: vr.upperBound, target: 5)
            for v in t.values {
                let y = first.y + Int(((vr.upperBound - v) / span * Double(h - 1)).rounded())
                r.fillRect(x: g.barX + 19, y: y, w: 4, h: 1, .axis)
                r.text(t.label(v), x: g.barX + 30, y: y - BitmapFont.capHeight * s / 2, scale: s, .text)
            }
        }
        return r.image
    }
}
