import ArgumentParser
import CNNSpot
import Foundation

/// Options shared by the commands that run a model.
struct ModelOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Model: a .pth (CNNDetection or torchvision, zip or legacy format) or .safetensors file.")
    var model: String?

    @Flag(help: "Ignore unexpected keys in the checkpoint (missing keys are still an error).")
    var nonStrict = false

    @Option(help: "CPU threads for the network (default: all cores).")
    var threads: Int?

    @Option(help: "Images per batch (images of one size are batched together).")
    var batchSize: Int = 16

    @Option(help: ArgumentHelp("Activation memory one batch may use, in MiB. Full-image scoring needs about 180 bytes per pixel (ResNet-50): the default 4096 holds a ~23 MP photo; larger ones get an error row naming what they need (or use --crop 224).", valueName: "mib"))
    var maxActivationMib: Int = 4096

    func validate() throws {
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
        if batchSize < 1 || batchSize > 1024 { throw ValidationError("--batch-size must be within 1...1024") }
        if maxActivationMib < 64 || maxActivationMib > (1 << 24) { throw ValidationError("--max-activation-mib must be within 64...\(1 << 24)") }
    }

    func loadDetector(required: Bool = true) throws -> Detector? {
        if let t = threads { NNThreads.set(t) }
        guard let model else {
            if required { throw ValidationError("no model: pass -m MODEL (.pth or .safetensors)") }
            return nil
        }
        guard FileManager.default.fileExists(atPath: model) else {
            throw FileError(description: "model file not found: \(model)")
        }
        let detector = try Detector.load(path: model, strict: !nonStrict)
        detector.network.memoryLimitBytes = maxActivationMib << 20
        return detector
    }
}

/// Test-time preprocessing options (the reference's eval: no resize; no crop or 224 center crop).
struct PreprocessOptions: ParsableArguments {
    @Option(help: "Center-crop side (the paper's setting is 224). Default: the full image, no crop (the reference's recommended mode).")
    var crop: Int?

    @Flag(help: "Apply the EXIF orientation tag before scoring (the reference does not).")
    var exifTranspose = false

    @Option(help: "Refuse images with more pixels than this, from the header before decoding (default: Pillow's limit, 89 MP). Full-image scoring of an image also needs activation memory, bounded separately by --max-activation-mib.")
    var maxPixels: Int = ImageLimits.pillowMaxPixels

    func validate() throws {
        if let c = crop, c < 32 || c > 16384 { throw ValidationError("--crop must be within 32...16384") }
        if maxPixels < 1 { throw ValidationError("--max-pixels must be positive") }
    }

    var preprocessing: TestTimePreprocessing { TestTimePreprocessing(crop: crop) }
    var decodeOptions: DecodeOptions {
        DecodeOptions(limits: ImageLimits(maxPixels: maxPixels), applyEXIFOrientation: exifTranspose)
    }
}

/// Writes text to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs `body`, prefixing any error with the file it concerns (checkpoint errors name the key
/// or global, the user needs the file too).
func naming<T>(_ file: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as ValidationError { throw e } catch {
        let text = "\(error)"
        throw FileError(description: text.contains(file) ? text : "\(file): \(text)")
    }
}

/// A problem with an input file: printed as `Error: ...`, exit status 1 (not a usage error).
struct FileError: Error, CustomStringConvertible {
    var description: String
}
