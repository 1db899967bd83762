import ArgumentParser
import CNNSpot
import Foundation

/// `cnnspot synth PHOTOS... -o OUT --families ...`: aligned real/fake training pairs from real
/// photos (the workflow is `SynthRun` in the library).
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Make an aligned real/fake training set from real photos with CNN generator families.",
        discussion: """
            PHOTOS are files, folders, globs or @list.txt (as for detect); JPEG, PNG and WebP. Each \
            photo (EXIF orientation applied; halved with LANCZOS when its shorter side is >= 640) is cut \
            into a grid of --size cells; near-flat cells are dropped and at most --per-photo kept. Photos \
            are split into train and val (--val, by photo, seeded). For every patch and family, the fake \
            of the same content goes beside it: OUT/{train,val}/<family>/{0_real,1_fake}/NAME.png, with \
            MANIFEST.csv (one row per file) and manifest.json. `cnnspot train --dataroot OUT` trains on it. \
            An unreadable photo is reported and skipped; the exit status is then 1. A killed run \
            continues with --resume. Same command and seed give the same bytes for any --threads.
            """)

    @Argument(help: "Real photos: files, folders, globs or @list.txt.")
    var inputs: [String] = []

    @Option(name: [.short, .long], help: "Output folder (must be empty or missing, unless --resume or --force).")
    var output: String?

    @Option(help: "Comma-separated generator families (see --list-families).")
    var families: String?

    @Flag(help: "List the families and exit.")
    var listFamilies = false

    @Option(help: "Patch side in pixels.") var size = 256
    @Option(help: "Patches per photo at most (evenly spaced over the grid).") var perPhoto = 3
    @Option(help: "Fraction of the photos put in val (by photo).") var val = 0.1
    @Option(help: "Seed of the split and of the families.") var seed: UInt64 = 2020
    @Flag(help: "Re-encode each fake of a JPEG photo with the photo's quantisation tables on its block grid (see README).")
    var jpegAlign = false
    @Option(help: "Drop cells whose luminance standard deviation is below this (near-flat).") var minStd = 4.0
    @Option(help: "Halve photos (Pillow LANCZOS) whose shorter side is at least this.") var downscaleFrom = 640
    @Option(help: "Training patches given to the families' preparation (training) at most.") var prepareMax = 2048
    @Option(help: "Refuse photos with more pixels than this (Pillow's default limit).") var maxPixels = ImageLimits.pillowMaxPixels
    @Option(help: "Refuse photo files larger than this (bytes).") var maxFileBytes = 256 << 20

    @Option(help: "Threads (decoding, encoding and the networks; default: all cores).") var threads: Int?
    @Flag(help: "Continue the run that made OUT (after a crash or kill); its options must be the same.") var resume = false
    @Flag(help: "Start over in a non-empty OUT (removes what an earlier synth wrote there, nothing else).") var force = false

    func validate() throws {
        if listFamilies { return }
        if inputs.isEmpty { throw ValidationError("give at least one input (file, folder, glob or @list)") }
        if output == nil { throw ValidationError("give the output folder with -o OUT") }
        if families == nil { throw ValidationError("give --families (--list-families lists them)") }
        if resume && force { throw ValidationError("--resume and --force exclude each other") }
        try validateThreads(threads)
        do { try recipe().validate() } catch let e as SynthError { throw ValidationError(e.description) }
    }

    func recipe() -> SynthOptions {
        let names = (families ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var o = SynthOptions(inputs: inputs, output: output ?? "", families: names)
        o.size = size; o.perPhoto = perPhoto; o.valFraction = val; o.seed = seed; o.jpegAlign = jpegAlign
        o.minLuminanceStd = minStd; o.downscaleShorterSide = downscaleFrom; o.prepareMax = prepareMax
        o.maxPixels = maxPixels; o.maxFileBytes = maxFileBytes
        return o
    }

    func run() throws {
        if listFamilies {
            let all = SynthFamilies.all
            let width = all.map(\.name.count).max() ?? 0
            for f in all { print(f.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + f.summary) }
            return
        }
        let options = recipe()
        let families: [SynthFamily]
        do { families = try options.families.map(SynthFamilies.resolve) } catch { throw ValidationError("\(error)") }
        var controls = SynthControls()
        if let t = threads { controls.threads = t }
        controls.resume = resume
        controls.force = force
        let summary: SynthSummary
        do {
            summary = try SynthRun(options: options, families: families, controls: controls) { printError("synth: \($0)") }.run()
        } catch let e as SynthError {
            printError("synth: \(e)")
            throw ExitCode(1)
        }
        print("photos: \(summary.trainPhotos) train, \(summary.valPhotos) val; \(summary.skipped) skipped, \(summary.failures) failed")
        print("split family               pairs")
        for key in summary.pairs.keys.sorted() {
            let parts = key.split(separator: "/").map(String.init)
            print(
                parts[0].padding(toLength: 6, withPad: " ", startingAt: 0)
                    + parts[1].padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: "%6d", summary.pairs[key]!))
        }
        let resumed = summary.alreadyDone > 0 ? " (\(summary.alreadyDone) were already done)" : ""
        let shown = summary.output.hasSuffix("/") ? String(summary.output.dropLast()) : summary.output
        print("made \(summary.madeNow) pair(s)\(resumed); wrote \(shown)/{train,val}/, MANIFEST.csv, manifest.json")
        if summary.failures > 0 {
            printError("synth: \(summary.failures) input(s) or patch(es) failed (see above)")
            throw ExitCode(1)
        }
    }
}
