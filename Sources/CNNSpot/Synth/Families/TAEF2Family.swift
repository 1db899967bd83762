import Foundation

/// `taef2`: the fake is the real patch reconstructed through TAEF2 (encode to 32-channel
/// latents at 1/8 size, decode back), the tiny autoencoder for the FLUX.2 VAE latent space
/// (a latent-diffusion decoder: nearest x2 + conv up-sampling, three times). Float32 latents,
/// no quantisation; output pixels `floor(clamp(y, 0, 1) * 255 + 0.5)` (`SynthTensor`).
/// Patches whose sides are not multiples of 8 are padded by edge repetition and cropped back.
/// Weights: models/taef2/ (MIT), read with the checkpoint reader, float16 widened to float32.
/// The network is deterministic: the seed is not used.
public final class TAEF2Family: SynthFamily {
    public let name = "taef2"
    public let weightsDirectory: String
    private let network: TAEF2
    private let lock = NSLock()
    static let files = (encoder: "taef2_encoder.pth", decoder: "taef2_decoder.pth")

    public var settings: String {
        "model=taef2;weights=madebyollin/taesd@5cccb12d;latents=float32;output=floor(clamp(y,0,1)*255+0.5)"
    }

    /// Loads the two `.pth` files from `directory` (default: `TAEF2Family.defaultDirectory()`).
    public init(directory: String? = nil) throws {
        let dir = try directory ?? Self.defaultDirectory()
        weightsDirectory = dir
        func stateDict(_ file: String) throws -> StateDict {
            let path = (dir as NSString).appendingPathComponent(file)
            do {
                let loaded = try Checkpoint.load(path: path)
                var dict: StateDict = [:]
                for (key, shape, values) in try loaded.floatStateDict() { dict[key] = HostTensor(shape: shape, data: values) }
                return dict
            } catch {
                throw SynthFamilyError.failed(family: "taef2", reason: "cannot read \(path): \(error)")
            }
        }
        do {
            network = try TAEF2(encoder: stateDict(Self.files.encoder), decoder: stateDict(Self.files.decoder))
        } catch let e as SynthFamilyError {
            throw e
        } catch {
            throw SynthFamilyError.failed(family: "taef2", reason: "weights in \(dir): \(error)")
        }
    }

    /// Where the weights are looked for: `$CNNSPOT_TAEF2_DIR`, then `models/taef2` in the
    /// executable's folder or any folder above it, then in the source checkout this was built from.
    public static func defaultDirectory() throws -> String {
        let fm = FileManager.default
        func has(_ dir: String) -> Bool { fm.fileExists(atPath: (dir as NSString).appendingPathComponent(files.decoder)) }
        var tried: [String] = []
        if let env = ProcessInfo.processInfo.environment["CNNSPOT_TAEF2_DIR"], !env.isEmpty {
            if has(env) { return env }
            tried.append(env)
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("models/taef2").path
            if has(candidate) { return candidate }
            tried.append(candidate)
            dir = dir.deletingLastPathComponent()
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../../models/taef2")
            .standardizedFileURL.path
        if has(source) { return source }
        tried.append(source)
        throw SynthFamilyError.failed(family: "taef2", reason: "weights not found (set CNNSPOT_TAEF2_DIR); looked in \(tried.joined(separator: ", "))")
    }

    public func prepare(patches: [RGBImage], directory: String) throws {}

    public func fake(of patch: RGBImage, seed: UInt64) throws -> RGBImage {
        guard patch.width >= 8, patch.height >= 8 else {
            throw SynthFamilyError.failed(family: name, reason: "patch \(patch.width)x\(patch.height) is smaller than 8x8")
        }
        let input = SynthTensor.tensor(SynthTensor.padded(patch, multiple: TAEF2.scale))
        lock.lock(); defer { lock.unlock() }
        let out = try network.reconstruct(input)
        return try SynthTensor.image(out, width: patch.width, height: patch.height)
    }

    /// Latents and unclamped output for a patch (tests, figures).
    public func run(_ input: HostTensor) throws -> (latents: HostTensor, output: HostTensor) {
        lock.lock(); defer { lock.unlock() }
        let z = try network.encode(input)
        return (z, try network.decode(z))
    }
}
