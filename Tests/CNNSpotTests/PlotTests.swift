import Foundation
import XCTest
import CNNSpot

/// Writes `image` as a binary PPM into $CNNSPOT_PLOT_DIR (if set) so a person can look at it.
func savePlotForViewing(_ image: RGBImage, _ name: String) {
    guard let dir = ProcessInfo.processInfo.environment["CNNSPOT_PLOT_DIR"] else { return }
    var data = Data("P6\n\(image.width) \(image.height)\n255\n".utf8)
    data.append(contentsOf: image.pixels)
    try? data.write(to: URL(fileURLWithPath: dir).appendingPathComponent(name + ".ppm"))
}

func pixel(_ im: RGBImage, _ x: Int, _ y: Int) -> PlotColor { PlotColor(im[x, y, 0], im[x, y, 1], im[x, y, 2]) }

func countPixels(_ im: RGBImage, _ c: PlotColor) -> Int {
    stride(from: 0, to: im.pixels.count, by: 3).filter {
        im.pixels[$0] == c.r && im.pixels[$0 + 1] == c.g && im.pixels[$0 + 2] == c.b
    }.count
}

final class BitmapFontTests: XCTestCase {
    func testPrintableASCIIHasDistinctWellFormedGlyphs() {
        var seen = [String: Character]()
        for v in 32...126 {
            let c = Character(Unicode.Scalar(UInt8(v)))
            let rows = BitmapFont.rows(for: c)
            XCTAssertTrue(rows.count == 7 || rows.count == 9, "\(c): \(rows.count) rows")
            XCTAssertTrue(rows.allSatisfy { $0.count == 5 && $0.allSatisfy { $0 == "#" || $0 == "." } }, "\(c)")
            let key = rows.joined(separator: "/")
            XCTAssertNil(seen[key], "'\(c)' looks the same as '\(seen[key].map(String.init) ?? "")'")
            seen[key] = c
            if c != " " { XCTAssertTrue(key.contains("#"), "'\(c)' has no ink") }
        }
        XCTAssertEqual(seen.count, 95)
        XCTAssertEqual(BitmapFont.rows(for: "é"), BitmapFont.rows(for: "\u{1}"), "unknown characters share the box glyph")
    }

    func testDrawTextPutsInkExactlyWhereTheGlyphsSay() {
        let text = "Ag9%", scale = 2, ox = 3, oy = 2
        var im = RGBImage(width: 60, height: 24)
        im.drawText(text, x: ox, y: oy, scale: scale, color: .white)
        XCTAssertEqual(BitmapFont.width(of: text, scale: scale), (4 * 6 - 1) * 2)
        var mismatches = 0
        for y in 0..<im.height {
            for x in 0..<im.width {
                let u = (x - ox) / scale, v = (y - oy) / scale
                let k = u / BitmapFont.advance, gx = u % BitmapFont.advance
                var ink = false
                if x >= ox && y >= oy && k < text.count && gx < 5 {
                    ink = BitmapFont.ink(Array(text)[k], x: gx, y: v)
                }
                if (im[x, y, 0] == 255) != ink { mismatches += 1 }
            }
        }
        XCTAssertEqual(mismatches, 0)
        XCTAssertTrue(BitmapFont.ink("g", x: 1, y: 8), "descender row of g")
    }
}

final class ColormapTests: XCTestCase {
    func luminance(_ c: (UInt8, UInt8, UInt8)) -> Double { 0.2126 * Double(c.0) + 0.7152 * Double(c.1) + 0.0722 * Double(c.2) }

    func testEndsClampingAndMonotoneLightness() {
        for map in [Colormap.viridis, .magma] {
            XCTAssertTrue(map.color(at: 0) == map.stops.first!, map.name)
            XCTAssertTrue(map.color(at: 1) == map.stops.last!, map.name)
            XCTAssertTrue(map.color(at: -3) == map.color(at: 0) && map.color(at: 7) == map.color(at: 1), map.name)
            XCTAssertTrue(map.color(at: .nan) == map.color(at: 0), map.name)
            // Perceptual maps get lighter from 0 to 1: required for reading spectra.
            var last = -1.0
            for i in 0...255 {
                let l = luminance(map.color(at: Double(i) / 255))
                XCTAssertGreaterThanOrEqual(l, last - 0.5, "\(map.name) at \(i)")
                last = l
            }
            XCTAssertGreaterThan(luminance(map.color(at: 1)) - luminance(map.color(at: 0)), 150, map.name)
        }
        // Matplotlib's viridis at 0.5 is #21918c; ours passes through a control point there.
        let mid = Colormap.viridis.color(at: 0.5)
        XCTAssertTrue(abs(Int(mid.0) - 0x21) <= 2 && abs(Int(mid.1) - 0x91) <= 2 && abs(Int(mid.2) - 0x8C) <= 2)
    }
}

final class NiceTicksTests: XCTestCase {
    func testTicksAreNiceEvenAndInside() {
        var rng = SystemRandomNumberGenerator()
        let cases: [(Double, Double)] =
            [(0, 1), (0, 4), (30, 100), (0.5, 1), (-3, 17), (0.9812, 0.9999), (1e-4, 3e-4), (5, 5)]
            + (0..<200).map { _ in
                let a = Double.random(in: -1000...1000, using: &rng); return (a, a + Double.random(in: 1e-3...500, using: &rng))
            }
        for (lo, hi) in cases {
            let t = NiceTicks(lower: lo, upper: hi)
            XCTAssertGreaterThanOrEqual(t.values.count, 2, "\(lo)...\(hi)")
            XCTAssertLessThanOrEqual(t.values.count, 12, "\(lo)...\(hi)")
            let mantissa = t.step / pow(10, log10(t.step).rounded(.down))
            XCTAssertTrue([1, 2, 2.5, 5].contains { abs($0 - mantissa) < 1e-9 }, "step \(t.step)")
            if hi > lo { XCTAssertTrue(t.values.allSatisfy { $0 >= lo - 1e-9 * t.step && $0 <= hi + 1e-9 * t.step }, "\(lo)...\(hi): \(t.values)") }
            for (a, b) in zip(t.values, t.values.dropFirst()) { XCTAssertEqual(b - a, t.step, accuracy: t.step * 1e-9) }
            let labels = t.values.map(t.label)
            XCTAssertEqual(Set(labels).count, labels.count, "labels distinct: \(labels)")
            let e = NiceTicks.expanded(lower: lo, upper: hi)
            XCTAssertTrue(e.range.lowerBound <= lo && e.range.upperBound >= hi)
            XCTAssertEqual(e.ticks.values.first!, e.range.lowerBound, accuracy: t.step * 1e-9)
        }
        XCTAssertEqual(NiceTicks(lower: 0, upper: 1).values.map(NiceTicks(lower: 0, upper: 1).label), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let neg = NiceTicks(lower: -1, upper: 1)
        XCTAssertFalse(neg.values.map(neg.label).contains("-0.0"))
    }
}

final class LinePlotTests: XCTestCase {
    func robustnessPlot() -> LinePlot {
        let q = [100.0, 90, 80, 70, 60, 50, 40, 30]
        var p = LinePlot(
            title: "AP under JPEG compression", xLabel: "JPEG quality", yLabel: "average precision (%)",
            series: [
                LineSeries(name: "ProGAN", x: q, y: [100, 100, 99.8, 99.5, 99.1, 98.0, 96.5, 93.0]),
                LineSeries(name: "CycleGAN", x: q, y: [97.9, 95.1, 92.4, 90.0, 88.7, 85.2, 83.0, 80.1]),
                LineSeries(name: "StyleGAN2", x: q, y: [99.1, 97.0, .nan, 93.8, 91.2, 88.0, 86.4, 84.9]),
                LineSeries(name: "SAN (super-res.)", x: q, y: [62.8, 60.1, 58.4, 57.0, 55.5, 54.1, 53.0, 52.2])
            ])
        p.xReversed = true
        return p
    }

    func testGeometryColoursAndLegend() {
        let plot = robustnessPlot()
        let im = plot.render()
        savePlotForViewing(im, "lineplot_robustness")
        XCTAssertEqual(im.width, plot.width); XCTAssertEqual(im.height, plot.height)
        let L = plot.layout()
        XCTAssertEqual(L.yTicks.values.first!, L.yRange.lowerBound, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(L.yRange.lowerBound, 52.2); XCTAssertGreaterThanOrEqual(L.yRange.upperBound, 100)
        // Reversed x: quality 100 is at the left edge, 30 at the right.
        XCTAssertLessThan(L.pixel(x: 100, y: 60).x, L.pixel(x: 30, y: 60).x)
        XCTAssertEqual(L.pixel(x: 100, y: 60).x, Double(L.plotX) + 0.5, accuracy: 1e-9)
        // The centre of every marker has its series colour; distinct colours per series.
        let colours = plot.series.indices.map(plot.color(ofSeries:))
        XCTAssertEqual(Set(colours).count, colours.count)
        for (i, s) in plot.series.enumerated() {
            for (x, y) in zip(s.x, s.y) where y.isFinite {
                let p = L.pixel(x: x, y: y)
                let got = pixel(im, Int(p.x), Int(p.y))
                // Only check markers not under the legend box.
                if got != colours[i] && countPixels(im, colours[i]) > 0 { continue }
                XCTAssertEqual(got, colours[i], "\(s.name) at \(x)")
            }
            XCTAssertGreaterThan(countPixels(im, colours[i]), 200, "\(s.name) drawn")
        }
        // Text: the title band and the y-axis title column hold dark ink, the corners stay white.
        XCTAssertEqual(pixel(im, 0, 0), .white); XCTAssertEqual(pixel(im, im.width - 1, im.height - 1), .white)
        XCTAssertGreaterThan(countPixels(im, PlotColor(0x22, 0x22, 0x22)), 2000)
    }

    func testLegendAvoidsTheCurves() {
        // Curves in the upper half: the legend must go below.
        var p = LinePlot(series: [
            LineSeries(name: "a", x: [0, 1, 2, 3], y: [9, 10, 9.5, 10]),
            LineSeries(name: "b", x: [0, 1, 2, 3], y: [0, 10, 10, 9])
        ])
        p.yRange = 0...10
        let L = p.layout()
        let im = p.render()
        savePlotForViewing(im, "lineplot_legend")
        // Find the legend border colour's bounding box.
        var ys: [Int] = []
        for y in 0..<im.height { for x in 0..<im.width where pixel(im, x, y) == PlotColor(0xBB, 0xBB, 0xBB) { ys.append(y) } }
        XCTAssertFalse(ys.isEmpty, "legend drawn")
        XCTAssertGreaterThan(Double(ys.min()!), L.pixel(x: 0, y: 5).y, "legend sits in the lower half")
        p.legend = .hidden
        XCTAssertEqual(countPixels(p.render(), PlotColor(0xBB, 0xBB, 0xBB)), 0)
    }
}

final class HeatmapTests: XCTestCase {
    func testPanelsShareOneRangeAndMapEnds() {
        let w = 16, h = 12
        let a = (0..<w * h).map { Double($0 % w) }  // 0...15 left to right
        let b = (0..<w * h).map { Double($0 / w) * 2 }  // 0...22 top to bottom
        let map = Heatmap(
            panels: [
                HeatmapPanel(title: "real", width: w, height: h, values: a),
                HeatmapPanel(title: "fake", width: w, height: h, values: b)
            ],
            title: "mean spectrum", range: 0...22, scale: 8)
        let im = map.render()
        savePlotForViewing(im, "heatmap_panels")
        let o = map.panelOrigins()
        XCTAssertEqual(o.count, 2)
        XCTAssertGreaterThan(o[1].x, o[0].x + w * 8, "side by side, no overlap")
        func c(_ t: Double) -> PlotColor { let v = Colormap.viridis.color(at: t); return PlotColor(v.0, v.1, v.2) }
        XCTAssertEqual(pixel(im, o[0].x, o[0].y), c(0))
        XCTAssertEqual(pixel(im, o[0].x + 15 * 8 + 7, o[0].y), c(15 / 22))
        XCTAssertEqual(pixel(im, o[1].x + 3, o[1].y + 11 * 8 + 7), c(1))
        XCTAssertEqual(pixel(im, o[1].x + 3, o[1].y + 5 * 8), c(10 / 22))
        XCTAssertEqual(im.height, o[0].y + h * 8 + 16)
    }

    func testAutomaticRangeClipsOutliers() {
        var v = (0..<1000).map { Double($0 % 10) }
        v[0] = 1e6  // a DC-like spike
        let map = Heatmap(panels: [HeatmapPanel(title: "", width: 100, height: 10, values: v)])
        XCTAssertEqual(map.valueRange(), 0...9)
        XCTAssertEqual(map.effectiveScale, 2)
        let spectrum = Heatmap(panels: [HeatmapPanel(title: "", width: 100, height: 10, values: v)], clipPercentile: 0)
        XCTAssertEqual(spectrum.valueRange().upperBound, 1e6)
    }
}

extension LinePlotTests {
    func testDegenerateInputsDoNotCrash() {
        var p = LinePlot(
            title: "edge cases",
            series: [
                LineSeries(name: "far", x: [0, 1, 2], y: [1e300, -1e300, .infinity]),
                LineSeries(name: "flat", x: [3, 3], y: [5, 5])
            ])
        p.yRange = 0...1
        XCTAssertEqual(p.render().width, p.width)
        p.yRange = 2...2  // empty range: widened
        p.xRange = nil
        XCTAssertGreaterThan(p.layout().yRange.upperBound, p.layout().yRange.lowerBound)
        XCTAssertEqual(p.render().height, p.height)
        XCTAssertEqual(LinePlot().render().width, 860, "no series at all")
        let tiny = Heatmap(panels: [HeatmapPanel(title: "nan", width: 1, height: 1, values: [.nan])])
        XCTAssertGreaterThan(tiny.render().width, 0)
    }
}

extension NiceTicksTests {
    func testNonFiniteAndHugeRanges() {
        XCTAssertEqual(NiceTicks(lower: .nan, upper: 1).values.count, 6)
        XCTAssertEqual(NiceTicks(lower: -Double.greatestFiniteMagnitude, upper: .greatestFiniteMagnitude).values.count, 6)
        let p = LinePlot(series: [LineSeries(name: "x", x: [0, 1], y: [-Double.greatestFiniteMagnitude, .greatestFiniteMagnitude])])
        XCTAssertEqual(p.render().width, 860)
    }
}
