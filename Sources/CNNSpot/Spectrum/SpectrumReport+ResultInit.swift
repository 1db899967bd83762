extension SpectrumReport.Result {
    /// A result from planes computed elsewhere (e.g. spectra of images made in memory, as the
    /// synth figures do), for `SpectrumReport.figure`.
    public init(source: SpectrumReport.Source, planes: [[Double]], size: Int, imageCount: Int, skippedFiles: [String] = []) {
        self.source = source; self.planes = planes; self.size = size; self.imageCount = imageCount; self.skipped = skippedFiles
    }
}
