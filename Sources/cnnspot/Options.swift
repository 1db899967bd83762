import ArgumentParser
import CNNSpot
import Foundation

/// `--threads N` of every command: at least 1 (nil: all cores).
func validateThreads(_ threads: Int?) throws {
    if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
}

/// Options shared by the commands that run a model.
struct ModelOptions: ParsableArguments {
    @Option(
        name: [.short, .long],
        help:
            "Model: a .pth (CNNDetection or torchvision, zip or legacy format) or .safetensors file. Default: the shipped model (models/default.safetensors beside the installation, or $CNNSPOT_DEFAULT_MODEL); 'none' for no model."
    )
    var model: String?

    @Flag(help: "Ignore unexpected keys in the checkpoint (missing keys are still an error).")
    var nonStrict = false

    @Option(help: "CPU threads for the network (default: all cores).")
    var threads: Int?

    @Option(help: "Images per batch (images of one size are batched together).")
    var batchSize: Int = 16

    @Option(
        help: ArgumentHelp(
            "Arithmetic of the network: fp32 (default), or bf16 (bfloat16 weights and activations, float32 accumulation; AVX-512 CPUs, fastest with AVX-512 BF16; the network about 1.5-1.9x faster than fp32; logits move by bf16 rounding: ResNet-50 within 0.5% relative, the default EfficientNet-Lite0 by 0.03 on average, up to 0.4; see BENCHMARKS.md).",
            valueName: "fp32|bf16"))
    var precision: InferencePrecision = .fp32

    @Option(
        help: ArgumentHelp(
            "Activation memory one batch may use, in MiB. Full-image scoring needs about 180 bytes per pixel (ResNet-50): the default 4096 holds a ~23 MP photo; larger ones get an error row naming what they need (or use --crop 224).",
            valueName: "mib"))
    var maxActivationMib: Int = 4096

    func validate() throws {
        try validateThreads(threads)
        if batchSize < 1 || batchSize > 1024 { throw ValidationError("--batch-size must be within 1...1024") }
        if maxActivationMib < 64 || maxActivationMib > (1 << 24) { throw ValidationError("--max-activation-mib must be within 64...\(1 << 24)") }
    }

    /// The model file to use: `-m`, else the shipped default (`DefaultModel.locate()`); nil for
    /// `-m none` or when no default is installed.
    func modelPath() -> String? {
        if let model { return model == "none" ? nil : model }
        return DefaultModel.locate()
    }

    /// `modelPath()` for a command that cannot run without a model: a usage error when there is
    /// none, a file error when it does not exist.
    func requiredModelPath() throws -> String {
        guard let model = modelPath() else {
            throw ValidationError(
                self.model == "none"
                    ? "this command needs a model: pass -m MODEL (.pth or .safetensors)"
                    : "no model: pass -m MODEL (.pth or .safetensors); the default model (\(DefaultModel.relativePath)) was not found beside the installation")
        }
        guard FileManager.default.fileExists(atPath: model) else {
            throw FileError(description: "model file not found: \(model)")
        }
        return model
    }

    /// `--threads` (all cores when not given).
    var compute: ComputeOptions { ComputeOptions(threads: threads) }

    func loadDetector(required: Bool = true) throws -> Detector? {
        if !required && modelPath() == nil { return nil }
        let model = try requiredModelPath()
        let detector = try Detector.load(path: model, strict: !nonStrict, precision: precision, compute: compute)
        detector.network.memoryLimitBytes = maxActivationMib << 20
        return detector
    }
}

// Options that are choices parse straight into the library's enums (the parser lists the values
// in the help and refuses others with a usage error).
extension InferencePrecision: ExpressibleByArgument {}
extension InferenceConvolutionAlgorithm: ExpressibleByArgument {}
extension ResNetSpec.Architecture: ExpressibleByArgument {}
extension Interpolation: ExpressibleByArgument {}
extension JPEGMethod: ExpressibleByArgument {}

/// Test-time preprocessing options (the reference's eval: no resize; no crop or 224 center crop).
struct PreprocessOptions: ParsableArguments {
    @Option(help: "Center-crop side (the paper's setting is 224). Default: the full image, no crop (the reference's recommended mode).")
    var crop: Int?

    @Flag(help: "Apply the EXIF orientation tag before scoring (the reference does not).")
    var exifTranspose = false

    @Option(
        help:
            "Refuse images with more pixels than this, from the header before decoding (default: Pillow's limit, 89 MP). Full-image scoring of an image also needs activation memory, bounded separately by --max-activation-mib."
    )
    var maxPixels: Int = ImageLimits.pillowMaxPixels

    func validate() throws {
        if let c = crop { _ = try TestTimePreprocessing.parsingCrop(String(c)) }
        if maxPixels < 1 { throw ValidationError("--max-pixels must be positive") }
    }

    var preprocessing: TestTimePreprocessing { TestTimePreprocessing(crop: crop) }
    var decodeOptions: DecodeOptions {
        DecodeOptions(limits: ImageLimits(maxPixels: maxPixels), applyEXIFOrientation: exifTranspose)
    }
}

/// `--threshold` of detect, eval and robustness: nil keeps the model's calibrated threshold
/// (`Detector.threshold(given:)`) and, in detect, its uncertain band.
struct ThresholdOption: ParsableArguments {
    @Option(parsing: .unconditional, help: "Probability above which an image is labelled fake (default: the model's calibrated threshold, else 0.5).")
    var threshold: Double?

    func validate() throws {
        if let t = threshold, !(t > 0 && t < 1) { throw ValidationError("--threshold must be in (0, 1)") }
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

/// The shipped default model: `models/default.safetensors` of the source tree or installation
/// the running binary belongs to, found from the binary's own path (`/proc/self/exe`), never
/// from the working directory. `CNNSPOT_DEFAULT_MODEL` overrides it (an explicit path).
enum DefaultModel {
    static let relativePath = "models/default.safetensors"
    static let environmentKey = "CNNSPOT_DEFAULT_MODEL"

    /// Candidates: each folder from the binary's up to 5 levels up, as `<dir>/models/default.safetensors`
    /// (a build tree: `.build/<triple>/release/cnnspot`) and `<dir>/share/cnnspot/default.safetensors`
    /// (an installation: `<prefix>/bin/cnnspot`).
    static func candidates(executable: String) -> [String] {
        var dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
        var out: [String] = []
        for _ in 0..<6 {
            out.append(dir.appendingPathComponent(relativePath).path)
            out.append(dir.appendingPathComponent("share/cnnspot/default.safetensors").path)
            let up = dir.deletingLastPathComponent()
            if up.path == dir.path { break }
            dir = up
        }
        return out
    }

    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit = environment[environmentKey], !explicit.isEmpty { return explicit }
        guard let exe = executablePath() else { return nil }
        return candidates(executable: exe).first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// The running binary's resolved path.
    static func executablePath() -> String? {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        return CommandLine.arguments.first.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path }
    }
}

/// `--shard I/N|auto` and `--shards N`: score one part of a job (detect, eval, robustness), for
/// `cnnspot merge`.
struct ShardOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Score part I of N (0-based) of the images: the job's images in path byte order, every Nth from the Ith, the same on every machine; or 'auto' for the scheduler's index (Kubernetes JOB_COMPLETION_INDEX, Slurm SLURM_ARRAY_TASK_ID, MPI OMPI_COMM_WORLD_RANK / PMI_RANK). The shard's output goes to -o with a shard manifest beside it; `cnnspot merge` joins the N parts into what one run writes.",
            valueName: "I/N|auto"))
    var shard: String?

    @Option(help: "The shard count for --shard auto where the scheduler gives only an index (a Kubernetes Indexed Job without JOB_COMPLETIONS).")
    var shards: Int?

    func validate() throws {
        if let n = shards {
            if shard != "auto" { throw ValidationError("--shards goes with --shard auto (I/N names the count itself)") }
            if n < 1 { throw ValidationError("--shards must be at least 1") }
        }
        if let shard, shard != "auto" {
            do { _ = try Shard.parse(shard) } catch let e as ShardError { throw ValidationError(e.description) }
        }
    }

    /// The shard this process scores, if any.
    func resolved() throws -> Shard? {
        guard let shard else { return nil }
        do {
            if shard == "auto" { return try Shard.fromEnvironment(ProcessInfo.processInfo.environment, shards: shards) }
            return try Shard.parse(shard)
        } catch let e as ShardError { throw ValidationError(e.description) }
    }
}

extension TestTimePreprocessing {
    /// `init(cropArgument:)` as a usage error of the command line (one rule for every command's
    /// `--crop`: `none` or a side within `cropSides`).
    static func parsingCrop(_ text: String) throws -> TestTimePreprocessing {
        do { return try TestTimePreprocessing(cropArgument: text) } catch { throw ValidationError("\(error)") }
    }
}
