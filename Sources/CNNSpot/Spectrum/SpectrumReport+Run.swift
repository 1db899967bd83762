import Foundation

extension SpectrumReport {
    /// What a run computed and wrote.
    public struct Outcome {
        /// Per folder, its sources' results (one, or real and fake for a ForenSynths set).
        public let results: [[Result]]
        /// The files written (`.npy` spectra and figures).
        public let written: [String]

        /// One line per source: its image count and up-sampling peak strength (`window`: the
        /// peak view's median window).
        public func summaryLines(window: Int) -> [String] {
            results.joined().map { r in
                let strength = SpectrumReport.upsamplingPeakStrength(r.displayPlane, width: r.size, height: r.size, window: window)
                return "\(r.source.title): \(r.imageCount) image(s), up-sampling peak strength \(String(format: "%.3f", strength))"
            }
        }
    }

    /// `cnnspot spectrum`'s work: the sources of every folder (`maxImages` each, names made
    /// unique), their mean residual spectra, and the files of `write(_:to:window:)` in `output`.
    /// `started` gets the number of images before the first is read, `advance` is called per
    /// image, `computed` once all are read (before the files are written), and `warn` gets the
    /// skipped images (the first five per source, then a count).
    public static func run(
        folders: [String], settings: Settings, output: URL, started: (Int) -> Void = { _ in },
        advance: @escaping () -> Void = {}, computed: () -> Void = {}, warn: (String) -> Void = { _ in }
    ) throws -> Outcome {
        let groups = uniquelyNamed(try folders.map { try sources(of: $0, maxImages: settings.maxImages) })
        started(groups.joined().reduce(0) { $0 + $1.files.count })
        var results: [[Result]] = []
        for group in groups {
            var done: [Result] = []
            for source in group {
                let r = try compute(source, settings: settings, progress: advance)
                r.skipped.prefix(5).forEach { warn("skipped \($0)") }
                if r.skipped.count > 5 { warn("... \(r.skipped.count - 5) more skipped in \(source.title)") }
                done.append(r)
            }
            results.append(done)
        }
        computed()
        let written = try write(results, to: output, window: settings.peakWindow)
        return Outcome(results: results, written: written)
    }
}
