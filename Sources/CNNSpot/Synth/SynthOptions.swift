import CNNSpotImage
import Foundation

/// The recipe of a `cnnspot synth` run: what decides the bytes it writes. Stored in
/// `manifest.json`; `--resume` continues only a run whose recipe is the same.
///
/// Patches follow the MiniSynths v1 rule (see `SynthGrid`): EXIF orientation applied; photos
/// whose shorter side is at least `downscaleShorterSide` are halved with Pillow's LANCZOS; a grid
/// of non-overlapping `size` cells spread evenly; cells with luminance std < `minLuminanceStd`
/// dropped; at most `perPhoto` kept at evenly spaced grid indices. Train/val split by photo.
public struct SynthOptions: Codable, Equatable, Sendable {
    /// Files, folders, globs, `@list` files (as `cnnspot detect` reads them).
    public var inputs: [String]
    public var output: String
    /// Family names, in the order given (`SynthFamilies`).
    public var families: [String]
    /// Patch side (pixels).
    public var size = 256
    /// Patches kept per photo at most.
    public var perPhoto = 3
    /// Fraction of the photos that go to val (by photo, seeded).
    public var valFraction = 0.1
    public var seed: UInt64 = 2020
    /// Re-encode fakes with their JPEG source's quantisation on its block grid (see README).
    public var jpegAlign = false
    public var minLuminanceStd = 4.0
    /// Photos with a shorter side of at least this are downscaled 0.5x (LANCZOS) first.
    public var downscaleShorterSide = 640
    /// Training patches handed to the families' `prepare` at most (an evenly spaced subset):
    /// they are held in memory at once.
    public var prepareMax = 2048
    public var maxPixels = ImageLimits.pillowMaxPixels
    public var maxFileBytes = 256 << 20

    public init(inputs: [String], output: String, families: [String]) {
        self.inputs = inputs
        self.output = output
        self.families = families
    }

    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw SynthError.invalidOption(message) } }
        try check(!inputs.isEmpty, "give at least one input (file, folder, glob or @list)")
        // The recipe names its inputs so --resume can read them again; stdin cannot be re-read.
        try check(!inputs.contains("-"), "synth does not read paths from standard input (-): write them to a file and give @FILE")
        try check(!families.isEmpty, "give at least one family (--families; --list-families lists them)")
        try check(Set(families).count == families.count, "a family is named twice in --families")
        try check((16...4096).contains(size), "--size must be within 16...4096")
        try check(!jpegAlign || size % 16 == 0, "--jpeg-align needs a --size that is a multiple of 16 (the JPEG MCU)")
        try check(perPhoto >= 1, "--per-photo must be at least 1")
        try check(valFraction >= 0 && valFraction < 1, "--val must be in [0, 1)")
        try check(minLuminanceStd >= 0, "--min-std must not be negative")
        try check(downscaleShorterSide >= 1, "--downscale-from must be positive")
        try check(prepareMax >= 1, "--prepare-max must be at least 1")
        try check(maxPixels >= 1 && maxFileBytes >= 1, "size limits must be positive")
    }

    var decodeOptions: DecodeOptions {
        DecodeOptions(limits: ImageLimits(maxPixels: maxPixels, maxFileBytes: maxFileBytes), applyEXIFOrientation: true)
    }
}

/// How a run proceeds (not part of the recipe: any value gives the same bytes).
public struct SynthControls: Sendable {
    /// Worker threads (decode, crop, encode, write) and the network's threads.
    public var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Continue a killed run in the same output folder.
    public var resume = false
    /// Start over in a non-empty output folder (removes what synth wrote there before).
    public var force = false
    /// Show a progress bar on stderr (when it is a terminal).
    public var progress = true
    public var commandLine: [String] = CommandLine.arguments

    public init() {}
}
