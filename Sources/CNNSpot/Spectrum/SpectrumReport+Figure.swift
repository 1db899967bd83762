import Foundation

extension SpectrumReport {
    /// Pictures are stacked on a white background, each centred horizontally, `gap` pixels apart.
    public static func stackVertically(_ images: [RGBImage], gap: Int = 8) -> RGBImage {
        let w = images.map(\.width).max() ?? 1
        let h = max(1, images.reduce(0) { $0 + $1.height } + gap * max(0, images.count - 1))
        var out = RGBImage(width: w, height: h, pixels: [UInt8](repeating: 255, count: w * h * 3))
        var top = 0
        for img in images {
            let left = (w - img.width) / 2
            for y in 0..<img.height {
                let src = y * img.width * 3, dst = ((top + y) * w + left) * 3
                out.pixels.replaceSubrange(dst..<dst + img.width * 3, with: img.pixels[src..<src + img.width * 3])
            }
            top += img.height + gap
        }
        return out
    }

    /// The peak view's colour range: from the median (about 0: the noise floor) to the larger of
    /// the 99.95th percentile and half the highest value, so that isolated peaks (a few pixels
    /// of a 256 x 256 plane) take the top colours and the noise stays dark.
    static func peakRange(_ values: [Double]) -> ClosedRange<Double> {
        let v = values.filter(\.isFinite).sorted()
        guard let maxV = v.last else { return 0...1 }
        func pct(_ p: Double) -> Double { v[min(v.count - 1, Int((p / 100 * Double(v.count - 1)).rounded()))] }
        let lo = pct(50), hi = max(pct(99.95), maxV / 2)
        return hi > lo ? lo...hi : lo...(lo + 1)
    }

    /// The peak view shown in figures: `peakView` with the lowest frequencies (within 2 of
    /// zero on both axes: the residual's mean and slow trends, no up-sampling information, and
    /// the largest values) set to 0 so they do not set the colour range.
    static func displayedPeakView(_ r: Result, window: Int) -> [Double] {
        var v = peakView(r.displayPlane, width: r.size, height: r.size, window: window)
        let c = r.size / 2
        for y in max(0, c - 2)...min(r.size - 1, c + 2) {
            for x in max(0, c - 2)...min(r.size - 1, c + 2) { v[y * r.size + x] = 0 }
        }
        return v
    }

    /// Magnification so a panel is about 512 pixels: single-frequency peaks become visible blocks.
    static func panelScale(_ results: [Result]) -> Int { max(1, 512 / max(1, results.map(\.size).max() ?? 1)) }

    /// Heatmap of results' spectra (as computed, `clipPercentile` 0.5) on one shared range.
    public static func spectrumHeatmap(_ results: [Result], title: String) -> Heatmap {
        Heatmap(
            panels: results.map { HeatmapPanel(title: panelTitle($0), width: $0.size, height: $0.size, values: $0.displayPlane) },
            title: title, colormap: .viridis, scale: panelScale(results))
    }

    /// Heatmap of the results' peak views (`peakView`) on one shared range.
    public static func peakHeatmap(_ results: [Result], window: Int, title: String) -> Heatmap {
        let panels = results.map {
            HeatmapPanel(title: panelTitle($0), width: $0.size, height: $0.size, values: displayedPeakView($0, window: window))
        }
        return Heatmap(
            panels: panels, title: title, colormap: .magma, range: peakRange(panels.flatMap(\.values)),
            scale: panelScale(results))
    }

    static func panelTitle(_ r: Result) -> String { "\(r.source.label ?? r.source.name) (\(r.imageCount))" }

    /// One source, or a set's real | fake: the mean log spectra on top, their peak views below,
    /// and for a set the difference fake - real.
    public static func figure(_ results: [Result], name: String, window: Int) -> RGBImage {
        var rows = [
            spectrumHeatmap(results, title: "\(name): mean log|FFT| of x - median3(x)").render(),
            peakHeatmap(results, window: window, title: "peaks: minus \(window)x\(window) local median").render()
        ]
        if results.count == 2, results[0].size == results[1].size {
            let a = results[0].displayPlane, b = results[1].displayPlane
            let diff = HeatmapPanel(
                title: "\(results[1].source.label ?? "b") - \(results[0].source.label ?? "a")",
                width: results[0].size, height: results[0].size, values: zip(b, a).map { $0 - $1 })
            rows.append(
                Heatmap(
                    panels: [diff], title: "difference of log spectra", colormap: .viridis,
                    scale: panelScale(results)
                ).render())
        }
        return stackVertically(rows, gap: 12)
    }

    /// All sources' peak views, `perRow` panels a row, on one shared range.
    public static func combinedFigure(_ results: [Result], window: Int, perRow: Int = 4) -> RGBImage {
        let range = peakRange(results.flatMap { displayedPeakView($0, window: window) })
        var rows: [RGBImage] = []
        for start in stride(from: 0, to: results.count, by: perRow) {
            let chunk = Array(results[start..<min(results.count, start + perRow)])
            var map = peakHeatmap(chunk, window: window, title: start == 0 ? "residual spectra, peaks (minus \(window)x\(window) local median)" : "")
            map.range = range
            map.panels = zip(map.panels, chunk).map { p, r in
                var q = p; q.title = r.source.title; return q
            }
            rows.append(map.render())
        }
        return stackVertically(rows, gap: 12)
    }

    /// Writes per source `<stem>.npy` (float64, `[size, size]` grey or `[3, size, size]` RGB:
    /// the mean spectrum as computed) and `<stem>.png` (`figure`); per folder with real and fake
    /// `<name>.png` (real | fake); with more than one folder `spectra.png` (`combinedFigure`);
    /// `spectrum.json`: per source its image count, skipped files and `upsamplingPeakStrength`.
    /// `groups` holds the results of each folder argument. Returns the file names written.
    @discardableResult
    public static func write(_ groups: [[Result]], to directory: URL, window: Int) throws -> [String] {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw ReportError.io(path: directory.path, reason: error.localizedDescription)
        }
        var written: [String] = []
        func put(_ name: String, _ write: (URL) throws -> Void) throws {
            let url = directory.appendingPathComponent(name)
            do { try write(url) } catch { throw ReportError.io(path: url.path, reason: "\(error)") }
            written.append(name)
        }
        for group in groups {
            for r in group {
                let shape = r.planes.count == 1 ? [r.size, r.size] : [r.planes.count, r.size, r.size]
                let npy = try NpyArray(shape: shape, values: .float64(r.planes.flatMap { $0 }))
                try put("\(r.source.stem).npy") { try npy.write(to: $0) }
                try put("\(r.source.stem).png") { try figure([r], name: r.source.title, window: window).writePNG(to: $0) }
            }
            if group.count > 1, let name = group.first?.source.name {
                try put("\(name).png") { try figure(group, name: name, window: window).writePNG(to: $0) }
            }
        }
        let summary: [[String: Any]] = groups.joined().map { r in
            [
                "name": r.source.name, "label": r.source.label ?? NSNull(), "stem": r.source.stem, "images": r.imageCount,
                "skipped": r.skipped, "size": r.size, "planes": r.planes.count,
                "upsampling_peak_strength": upsamplingPeakStrength(r.displayPlane, width: r.size, height: r.size, window: window)
            ]
        }
        try put("spectrum.json") {
            try JSONText.data(["peak_window": window, "sources": summary], pretty: true).write(to: $0, options: .atomic)
        }
        if groups.count > 1 {
            try put("spectra.png") { try combinedFigure(groups.flatMap { $0 }, window: window).writePNG(to: $0) }
        }
        return written
    }
}
