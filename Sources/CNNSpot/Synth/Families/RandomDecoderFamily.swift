import Foundation

/// `random-<up>`: seeded randomly initialised up-sampling decoders (the FingerprintNet idea,
/// Jeong et al. ECCV 2022: random generators of many architectures share the traces of their
/// up-sampling kind, so they stand in for unseen trained ones).
///
/// For a patch and seed:
/// 1. The seed draws a decoder (`RandomDecoderDraw`): reduction f in {2, 4, 8} (log2 f stages),
///    width, extra convs per stage, activation (ReLU / leaky ReLU 0.2 / tanh), norm (none /
///    instance / batch statistics), for `transposed` also the kernel (4 stride 2, or 3 stride 2
///    output padding 1), and the residual's RMS amplitude in grey levels; then its weights
///    (He-normal for the activation's gain, biases N(0, 0.1), norm scale U(0.5, 1.5), shift N(0, 0.2)).
/// 2. The patch (edge-padded to a multiple of f) is reduced by f x f box averaging: `low`.
/// 3. The fake is `clamp(base + a d / rms(d))`, `base` = bilinear x f of `low` (a smooth
///    up-sampled image that keeps the content), `d` = the detail of the decoder's output `r` on
///    `2 low - 1`: `r - bilinear_f(box_f(r))`, each channel's mean removed; `a` = the amplitude / 255. The decoder's periodic traces are
///    in `r`; the fake's PSNR against the real patch is set by f (detail lost) and `a`.
/// Output pixels `floor(clamp(y, 0, 1) * 255 + 0.5)`; the sums of step 3 are Double, in order.
public final class RandomDecoderFamily: SynthFamily {
    public let up: String
    public var name: String { "random-\(up)" }
    public var settings: String { "family=\(name);decoder=seeded per fake (see the row's settings)" }
    private let kinds: [UpsamplingKind]

    /// `up` is `transposed`, `nearest`, `bilinear` or `pixelshuffle`.
    public init(up: String) throws {
        switch up {
        case "transposed": kinds = [.transposed4, .transposed3]
        case "nearest": kinds = [.nearest]
        case "bilinear": kinds = [.bilinear]
        case "pixelshuffle": kinds = [.pixelShuffle]
        default: throw SynthFamilyError.failed(family: "random-\(up)", reason: "unknown up-sampling kind '\(up)' (transposed, nearest, bilinear, pixelshuffle)")
        }
        self.up = up
    }

    public static let ups = ["transposed", "nearest", "bilinear", "pixelshuffle"]

    public func prepare(patches: [RGBImage], directory: String) throws {}

    public func settings(forSeed seed: UInt64) -> String { RandomDecoderDraw(seed: seed, kinds: kinds).settings }

    public func fake(of patch: RGBImage, seed: UInt64) throws -> RGBImage {
        let draw = RandomDecoderDraw(seed: seed, kinds: kinds)
        let f = 1 << draw.spec.stages
        guard patch.width >= f, patch.height >= f else {
            throw SynthFamilyError.failed(family: name, reason: "patch \(patch.width)x\(patch.height) is smaller than the reduction \(f)")
        }
        do {
            let decoder = try GeneratorUpsampler(spec: draw.spec, weights: draw.weights())
            let low = SynthDownsample.box(SynthTensor.tensor(SynthTensor.padded(patch, multiple: f)), factor: f)
            let base = try GeneratorUpsampler.resample(low, bilinear: true, factor: f)
            let r = try decoder.forward(HostTensor(shape: low.shape, data: low.data.map { 2 * $0 - 1 }))
            // Only what the decoder adds above the base's band: its own smooth part would shift
            // colours and shapes (content), not add generator traces.
            let rSmooth = try GeneratorUpsampler.resample(SynthDownsample.box(r, factor: f), bilinear: true, factor: f)
            let detail = HostTensor(shape: r.shape, data: zip(r.data, rSmooth.data).map { $0 - $1 })
            let out = SynthResidual.add(base: base, residual: detail, rms: draw.amplitude / 255)
            return try SynthTensor.image(out, width: patch.width, height: patch.height)
        } catch let e as SynthFamilyError {
            throw e
        } catch {
            throw SynthFamilyError.failed(family: name, reason: "\(error)")
        }
    }
}

extension RandomDecoderFamily {
    static func summary(_ up: String) -> String {
        let how: String
        switch up {
        case "transposed": how = "transposed convs (k4 s2, or k3 s2 output padding 1)"
        case "nearest": how = "nearest x2 + conv"
        case "bilinear": how = "bilinear x2 + conv"
        default: how = "sub-pixel conv (pixel shuffle)"
        }
        return "seeded random up-sampling decoder, \(how), residual on a smooth base (FingerprintNet-style)"
    }
}
