/// The small AutoGAN-style encoder-decoder of the `ae-*` synth families (Zhang, Karaman, Chang,
/// WIFS 2019: an autoencoder whose decoder has a GAN's up-sampling layers, trained to
/// reconstruct real images, so its outputs carry the up-sampling traces but the real content):
///
/// encoder: conv3x3 3->w + LeakyReLU(0.2) (`encoder.0`), conv3x3/2 w->2w + LReLU (`encoder.1`),
///          conv3x3/2 2w->2w + LReLU (`encoder.2`): `[N, 2w, H/4, W/4]`;
/// decoder: `GeneratorUpsampler` with input 2w, width w, 2 stages of `kind`, no extra convs,
///          LeakyReLU(0.2), no norm, keys under `decoder.`: `[N, 3, H, W]`.
/// H and W must be multiples of 4.
public struct AutoencoderSpec: Equatable, Sendable {
    public var kind: UpsamplingKind
    public var width: Int
    public static let slope: Float = 0.2
    public static let scale = 4

    public init(kind: UpsamplingKind, width: Int = 32) {
        self.kind = kind; self.width = width
    }

    public var decoder: GeneratorUpsampler.Spec {
        GeneratorUpsampler.Spec(
            kind: kind, stages: 2, inChannels: 2 * width, width: width, outChannels: 3, convsPerStage: 0,
            activation: .leakyReLU(Self.slope), norm: .none)
    }

    /// The encoder convs: key, in, out, stride.
    public var encoder: [(key: String, inChannels: Int, outChannels: Int, stride: Int)] {
        [("encoder.0", 3, width, 1), ("encoder.1", width, 2 * width, 2), ("encoder.2", 2 * width, 2 * width, 2)]
    }

    /// Every weight key and shape, encoder first.
    public var parameterShapes: [(key: String, shape: [Int])] {
        encoder.flatMap { e in [("\(e.key).weight", [e.outChannels, e.inChannels, 3, 3]), ("\(e.key).bias", [e.outChannels])] }
            + decoder.parameterShapes.map { ("decoder.\($0.key)", $0.shape) }
    }
}

/// The `AutoencoderSpec` network for inference (oneDNN primitives with fused activations).
public final class GeneratorAutoencoder {
    public let spec: AutoencoderSpec
    private let encoder: [GeneratorConv]
    private let decoder: GeneratorUpsampler

    public init(spec: AutoencoderSpec, weights: StateDict) throws {
        self.spec = spec
        var w = GeneratorWeights(weights.filter { $0.key.hasPrefix("encoder.") }, what: "autoencoder")
        encoder = try spec.encoder.map { e in
            try GeneratorConv(
                weight: w.tensor("\(e.key).weight", [e.outChannels, e.inChannels, 3, 3]),
                bias: w.tensor("\(e.key).bias", [e.outChannels]), stride: e.stride, padding: 1,
                activation: .leakyReLU(AutoencoderSpec.slope), name: e.key)
        }
        try w.finish()
        var dec: StateDict = [:]
        for (k, v) in weights where !k.hasPrefix("encoder.") {
            guard k.hasPrefix("decoder.") else { throw NNError.badShape("autoencoder: unexpected key '\(k)'") }
            dec[String(k.dropFirst("decoder.".count))] = v
        }
        decoder = try GeneratorUpsampler(spec: spec.decoder, weights: dec)
    }

    /// `[N, 3, H, W]` (H, W multiples of 4) -> `[N, 3, H, W]`.
    public func forward(_ input: HostTensor) throws -> HostTensor {
        guard input.shape.count == 4, input.shape[1] == 3, input.shape[2] % 4 == 0, input.shape[3] % 4 == 0 else {
            throw NNError.badShape("autoencoder: input \(input.shape), expected [N, 3, H, W] with H, W multiples of 4")
        }
        var x = try Tensor(input)
        for c in encoder { x = try c.forward(x) }
        return try decoder.forward(x.host)
    }
}
