import Foundation

extension LinePlot {
    /// Draws the chart into an RGB image of `width x height`.
    public func render() -> RGBImage {
        let L = layout(), s = fontScale
        var r = Raster(width: width, height: height)
        let px = L.plotX, py = L.plotY, pw = L.plotWidth, ph = L.plotHeight
        let cap = BitmapFont.capHeight * s

        // Grid and ticks.
        for v in L.xTicks.values {
            let x = Int(L.pixel(x: v, y: L.yRange.lowerBound).x)
            r.fillRect(x: x, y: py, w: 1, h: ph, .grid)
            r.fillRect(x: x, y: py + ph, w: 1, h: 6, .axis)
            let label = L.xTicks.label(v)
            r.text(label, x: x - BitmapFont.width(of: label, scale: s) / 2, y: py + ph + 12, scale: s, .text)
        }
        for v in L.yTicks.values {
            let y = Int(L.pixel(x: L.xRange.lowerBound, y: v).y)
            r.fillRect(x: px, y: y, w: pw, h: 1, .grid)
            r.fillRect(x: px - 6, y: y, w: 6, h: 1, .axis)
            let label = L.yTicks.label(v)
            r.text(label, x: px - 10 - BitmapFont.width(of: label, scale: s), y: y - cap / 2, scale: s, .text)
        }
        r.strokeRect(x: px - 1, y: py - 1, w: pw + 2, h: ph + 2, .axis)

        // Titles.
        if !title.isEmpty {
            let ts = s + 1
            r.text(title, x: (width - BitmapFont.width(of: title, scale: ts)) / 2, y: 14, scale: ts, .text)
        }
        if !xLabel.isEmpty {
            r.text(
                xLabel, x: px + (pw - BitmapFont.width(of: xLabel, scale: s)) / 2, y: py + ph + 12 + cap + 14,
                scale: s, .text)
        }
        if !yLabel.isEmpty {
            r.text(yLabel, x: 14, y: py + (ph - BitmapFont.width(of: yLabel, scale: s)) / 2, scale: s, .text, vertical: true)
        }

        // Series, clipped to the plot area.
        for i in series.indices {
            var mask = CoverageMask(width: width, height: height)
            let points = zip(series[i].x, series[i].y).map { p -> (Double, Double)? in
                p.0.isFinite && p.1.isFinite ? L.pixel(x: p.0, y: p.1) : nil
            }
            for k in points.indices.dropFirst() {
                if let a = points[k - 1], let b = points[k] { mask.line(a.0, a.1, b.0, b.1, width: 2.5) }
            }
            for case let p? in points { mask.marker(marker(ofSeries: i), p.0, p.1, radius: 4.5) }
            clip(&mask, L)
            r.composite(mask, color(ofSeries: i))
        }
        drawLegend(&r, L)
        return r.image
    }

    private func clip(_ mask: inout CoverageMask, _ L: LinePlotLayout) {
        // Keep a few pixels of slack so markers on the frame stay whole.
        let x0 = L.plotX - 5, x1 = L.plotX + L.plotWidth + 5, y0 = L.plotY - 5, y1 = L.plotY + L.plotHeight + 5
        for y in 0..<mask.height {
            for x in 0..<mask.width where x < x0 || x >= x1 || y < y0 || y >= y1 {
                mask.coverage[y * mask.width + x] = 0
            }
        }
    }

    /// Legend box size and corner candidates.
    func legendFrame(_ L: LinePlotLayout) -> (x: Int, y: Int, w: Int, h: Int)? {
        guard legend != .hidden, !series.isEmpty else { return nil }
        let s = fontScale, row = BitmapFont.cellHeight * s + 6
        let w = 12 + 34 + 8 + (series.map { BitmapFont.width(of: $0.name, scale: s) }.max() ?? 0) + 12
        let h = 10 + row * series.count + 2
        let m = 10
        let left = L.plotX + m, rightX = L.plotX + L.plotWidth - m - w, midX = L.plotX + (L.plotWidth - w) / 2
        let upper = L.plotY + m, lowerY = L.plotY + L.plotHeight - m - h, midY = L.plotY + (L.plotHeight - h) / 2
        let corners: [LegendPlacement: (Int, Int)] = [
            .upperRight: (rightX, upper), .upperLeft: (left, upper),
            .lowerRight: (rightX, lowerY), .lowerLeft: (left, lowerY)
        ]
        if let c = corners[legend] { return (c.0, c.1, w, h) }
        // .best: of nine places (corners first, then edge middles, then the centre), the one whose
        // box covers the fewest samples along the curves.
        let places = [
            corners[.upperRight]!, corners[.upperLeft]!, corners[.lowerRight]!, corners[.lowerLeft]!,
            (rightX, midY), (left, midY), (midX, upper), (midX, lowerY), (midX, midY)
        ]
        let polylines = series.map { sr in
            zip(sr.x, sr.y).filter { $0.0.isFinite && $0.1.isFinite }.map { L.pixel(x: $0.0, y: $0.1) }
        }
        var best = (places[0], Int.max)
        for (x, y) in places {
            var hits = 0
            for pts in polylines {
                for k in pts.indices {
                    // Sample each segment densely so a line crossing the box counts.
                    let a = pts[k], b = k + 1 < pts.count ? pts[k + 1] : pts[k]
                    for t in stride(from: 0.0, through: 1.0, by: 0.02) {
                        let qx = a.x + t * (b.x - a.x), qy = a.y + t * (b.y - a.y)
                        if qx >= Double(x - 6) && qx <= Double(x + w + 6) && qy >= Double(y - 6) && qy <= Double(y + h + 6) { hits += 1 }
                    }
                }
            }
            if hits < best.1 { best = ((x, y), hits) }
        }
        return (best.0.0, best.0.1, w, h)
    }

    private func drawLegend(_ r: inout Raster, _ L: LinePlotLayout) {
        guard let f = legendFrame(L) else { return }
        let s = fontScale, row = BitmapFont.cellHeight * s + 6
        r.fillRect(x: f.x, y: f.y, w: f.w, h: f.h, .white, alpha: 0.9)
        r.strokeRect(x: f.x, y: f.y, w: f.w, h: f.h, .legendBorder)
        for i in series.indices {
            let y = f.y + 10 + i * row
            let mid = Double(y) + Double(BitmapFont.capHeight * s) / 2
            var mask = CoverageMask(width: r.width, height: r.height)
            mask.line(Double(f.x + 12), mid, Double(f.x + 46), mid, width: 2.5)
            mask.marker(marker(ofSeries: i), Double(f.x + 29), mid, radius: 4.5)
            r.composite(mask, color(ofSeries: i))
            r.text(series[i].name, x: f.x + 54, y: y, scale: s, .text)
        }
    }
}
