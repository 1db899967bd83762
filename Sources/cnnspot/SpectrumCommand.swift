import ArgumentParser
import CNNSpot
import Foundation

/// `cnnspot spectrum FOLDER... -o OUTDIR`: mean residual spectra per image source, where CNN
/// up-sampling shows as periodic peaks (the paper's Fig. 4).
struct SpectrumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spectrum",
        abstract: "Average the FFT spectrum of the high-pass residual x - median3(x) per image source.",
        discussion: """
            Each FOLDER is a plain folder of images (one source) or a ForenSynths set with 0_real and \
            1_fake (two sources, shown side by side). Each image is center-cropped to --size (smaller \
            ones are skipped), made grey (or per RGB channel with --rgb), and its residual's \
            log |FFT2| is averaged. Writes <source>.npy (the mean spectrum, float64, zero frequency \
            at the centre) and <source>.png; <set>.png with real | fake for a set; spectra.png over \
            all folders. Figures show the spectrum and a peak view (each value minus its local \
            median), where up-sampling artifacts stand out.
            """)

    @Argument(help: "Folders of images or ForenSynths sets.")
    var folders: [String]

    @Option(name: [.short, .long], help: "Output folder (created).")
    var output: String

    @Option(help: "At most N images per source (first by path).")
    var maxImages = 1000

    @Option(help: "Center-crop side every image is reduced to.")
    var size = 256

    @Flag(help: "Average each RGB channel separately (the .npy holds 3 planes; figures show their mean).")
    var rgb = false

    @Option(help: "Scale of the averaged magnitudes: log (natural log) or db (20 log10).")
    var scale: SpectrumScale = .log

    @Option(help: "Window side of the local median the peak view subtracts.")
    var peakWindow = 9

    func validate() throws {
        if folders.isEmpty { throw ValidationError("give at least one folder") }
        if maxImages < 1 { throw ValidationError("--max-images must be at least 1") }
        if size < 8 || size > 4096 { throw ValidationError("--size must be within 8...4096") }
        if peakWindow < 3 || peakWindow > 31 { throw ValidationError("--peak-window must be within 3...31") }
    }

    func run() throws {
        var settings = SpectrumReport.Settings()
        settings.size = size
        settings.planes = rgb ? .rgb : .grey
        settings.scale = scale == .db ? .decibels : .naturalLog
        settings.maxImages = maxImages
        settings.peakWindow = peakWindow
        var bar: ProgressBar?
        let outcome = try SpectrumReport.run(
            folders: folders, settings: settings, output: URL(fileURLWithPath: output),
            started: { bar = ProgressBar(total: $0, label: "spectrum") },
            advance: { bar?.advance() }, computed: { bar?.finish() }, warn: { printError("spectrum: \($0)") })
        outcome.summaryLines(window: peakWindow).forEach { print($0) }
        print("wrote \(outcome.written.count) file(s) to \(output)")
    }
}

/// `spectrum --scale`.
enum SpectrumScale: String, ExpressibleByArgument {
    case log, db
}
