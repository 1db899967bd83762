import Foundation

extension SpectrumReport {
    /// The spectrum of one in-memory image (the server's `/v1/spectrum`): the same residual
    /// spectrum and figure as `compute` + `figure` for a folder, over the centre crop of side
    /// `min(settings.size, width, height)` (so a small image is not refused), one image averaged.
    /// Returns the figure (spectrum above, peak view below) and the result it was drawn from.
    public static func single(_ image: RGBImage, name: String, settings: Settings = Settings()) throws -> (figure: RGBImage, result: Result) {
        let side = min(settings.size, image.width, image.height)
        guard side >= 8 else {
            throw ReportError.badSettings("image is \(image.width)x\(image.height); the spectrum needs at least 8x8")
        }
        var acc = ResidualSpectrum(
            width: side, height: side, planes: settings.planes, scale: settings.scale,
            medianFilter: median3)
        try acc.add(centerCropOf: image)
        guard let mean = acc.mean() else { throw ReportError.noImages("\(name): no image") }
        let result = Result(
            source: Source(name: name, label: nil, files: []), planes: mean, size: side,
            imageCount: 1, skipped: [])
        return (figure([result], name: name, window: settings.peakWindow), result)
    }
}
