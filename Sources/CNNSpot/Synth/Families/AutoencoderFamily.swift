import Foundation

/// `ae-<up>`: an AutoGAN-style autoencoder (Zhang, Karaman, Chang, WIFS 2019) with that
/// up-sampling kind in its decoder (`AutoencoderSpec`: 2 stride-2 convs down, 2 up-sampling
/// stages up), trained briefly in `prepare` on the run's real training patches to reconstruct
/// them, then used to reconstruct every patch: the fake keeps the content and carries the
/// decoder's traces.
///
/// Training (`AutoencoderTraining`): seeded crops, Adam, L1 or L2 loss, a fixed number of steps;
/// deterministic. The weights go to `<directory>/ae-<up>.safetensors` (float32, with the
/// settings and a hash of the training patches in its metadata); a later `prepare` with the same
/// settings and patches loads that file instead of training again, so a run can be repeated or
/// resumed. `ae-transposed` uses the kernel-4 stride-2 transposed conv.
public final class AutoencoderFamily: SynthFamily {
    public let up: String
    public var name: String { "ae-\(up)" }
    public let training: AutoencoderTraining
    private let spec: AutoencoderSpec
    private var network: GeneratorAutoencoder?
    private var weightsFile: String?
    private let lock = NSLock()

    public static let ups = ["transposed", "nearest", "bilinear", "pixelshuffle"]

    public init(up: String, training: AutoencoderTraining = AutoencoderTraining()) throws {
        let kind: UpsamplingKind
        switch up {
        case "transposed": kind = .transposed4
        case "nearest": kind = .nearest
        case "bilinear": kind = .bilinear
        case "pixelshuffle": kind = .pixelShuffle
        default: throw SynthFamilyError.failed(family: "ae-\(up)", reason: "unknown up-sampling kind '\(up)' (transposed, nearest, bilinear, pixelshuffle)")
        }
        self.up = up
        self.training = training
        spec = AutoencoderSpec(kind: kind, width: training.width)
    }

    public var settings: String {
        "family=\(name);kind=\(spec.kind.rawValue);width=\(spec.width);\(training.settings)"
            + (weightsFile.map { ";weights=\(($0 as NSString).lastPathComponent)" } ?? "")
    }

    public func prepare(patches: [RGBImage], directory: String) throws {
        let path = (directory as NSString).appendingPathComponent("\(name).safetensors")
        let digest = AutoencoderTraining.digest(patches)
        let meta = [
            "family": name, "kind": spec.kind.rawValue, "width": "\(spec.width)", "training": training.settings,
            "patches_sha256": digest, "patches": "\(patches.count)"
        ]
        do {
            let weights: StateDict
            if let cached = try AutoencoderWeightsFile.read(path, expecting: meta) {
                weights = cached
            } else {
                weights = try training.train(spec: spec, patches: patches)
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try AutoencoderWeightsFile.write(weights, order: spec.parameterShapes.map(\.key), metadata: meta, to: path)
            }
            let net = try GeneratorAutoencoder(spec: spec, weights: weights)
            lock.lock(); network = net; weightsFile = path; lock.unlock()
        } catch let e as SynthFamilyError {
            throw e
        } catch {
            throw SynthFamilyError.failed(family: name, reason: "\(error)")
        }
    }

    public func fake(of patch: RGBImage, seed: UInt64) throws -> RGBImage {
        lock.lock(); defer { lock.unlock() }
        guard let network else { throw SynthFamilyError.failed(family: name, reason: "fake before prepare (the autoencoder is not trained)") }
        guard patch.width >= 4, patch.height >= 4 else {
            throw SynthFamilyError.failed(family: name, reason: "patch \(patch.width)x\(patch.height) is smaller than 4x4")
        }
        let out = try network.forward(SynthTensor.tensor(SynthTensor.padded(patch, multiple: AutoencoderSpec.scale)))
        return try SynthTensor.image(out, width: patch.width, height: patch.height)
    }
}
