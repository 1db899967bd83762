/// TAEF2, the tiny autoencoder for the FLUX.2 VAE latent space (Ollin Boer Bohan, madebyollin/taesd,
/// MIT), run forward by our oneDNN core. The layer sequence is models/taef2/README.md's:
///
/// - encoder: RGB in [0, 1] `[N, 3, H, W]` (H, W multiples of 8) -> conv3x3 3->64 -> Block ->
///   3 x (conv3x3/2 no bias -> Block x 3; the last three blocks with GroupNorm) -> conv3x3 64->32:
///   latents `[N, 32, H/8, W/8]`;
/// - decoder: `3 tanh(z / 3)` -> conv3x3 32->64 + ReLU -> Block(GN) x 3 -> 3 x (nearest x2 ->
///   conv3x3 no bias -> Block x 3, x 3, x 1) -> conv3x3 64->3: RGB roughly in [0, 1], not clamped.
///
/// Weights are the state dicts of `taef2_encoder.pth` / `taef2_decoder.pth` (keys are the layer
/// indices: `0.weight`, `1.conv.0.weight`, `11.pool.1.bias`, ...), float32. Every key must be
/// used and have its shape. One instance is not thread-safe (primitives are cached per shape).
public final class TAEF2 {
    private enum Step {
        case conv(GeneratorConv)
        case block(TAEF2Block)
        case upsample(GeneratorResample)
        case softClamp
    }
    private let encoderSteps: [Step]
    private let decoderSteps: [Step]
    public static let latentChannels = 32
    public static let scale = 8

    public init(encoder: StateDict, decoder: StateDict) throws {
        var e = GeneratorWeights(encoder, what: "TAEF2 encoder")
        func conv(
            _ w: inout GeneratorWeights, _ i: Int, _ cin: Int, _ cout: Int, stride: Int = 1, bias: Bool,
            relu: Bool = false
        ) throws -> Step {
            .conv(
                try GeneratorConv(
                    weight: w.tensor("\(i).weight", [cout, cin, 3, 3]), bias: bias ? w.tensor("\(i).bias", [cout]) : nil,
                    stride: stride, padding: 1, activation: relu ? .relu : .identity, name: "\(i)"))
        }
        func block(_ w: inout GeneratorWeights, _ i: Int, gn: Bool) throws -> Step {
            .block(try TAEF2Block(&w, prefix: "\(i)", groupNorm: gn))
        }
        var enc: [Step] = [try conv(&e, 0, 3, 64, bias: true), try block(&e, 1, gn: false)]
        for (down, gn) in [(2, false), (6, false), (10, true)] {
            enc.append(try conv(&e, down, 64, 64, stride: 2, bias: false))
            for i in down + 1...down + 3 { enc.append(try block(&e, i, gn: gn)) }
        }
        enc.append(try conv(&e, 14, 64, 32, bias: true))
        try e.finish()

        var d = GeneratorWeights(decoder, what: "TAEF2 decoder")
        var dec: [Step] = [.softClamp, try conv(&d, 1, 32, 64, bias: true, relu: true)]
        for i in 3...5 { dec.append(try block(&d, i, gn: true)) }
        for (up, blocks) in [(6, 3), (11, 3), (16, 1)] {
            dec.append(.upsample(GeneratorResample(.nearest, factor: 2)))
            dec.append(try conv(&d, up + 1, 64, 64, bias: false))
            for i in up + 2..<up + 2 + blocks { dec.append(try block(&d, i, gn: false)) }
        }
        dec.append(try conv(&d, 19, 64, 3, bias: true))
        try d.finish()
        encoderSteps = enc
        decoderSteps = dec
    }

    private func run(_ steps: [Step], _ input: Tensor) throws -> Tensor {
        var x = input
        for step in steps {
            switch step {
            case .conv(let c): x = try c.forward(x)
            case .block(let b): x = try b.forward(x)
            case .upsample(let u): x = try u.forward(x)
            case .softClamp: x = try GeneratorPointwise.softClamp(x, 3)
            }
        }
        return x
    }

    /// `[N, 3, H, W]` RGB in [0, 1], H and W multiples of 8 -> latents `[N, 32, H/8, W/8]`.
    public func encode(_ image: HostTensor) throws -> HostTensor {
        guard image.shape.count == 4, image.shape[1] == 3, image.shape[2] % 8 == 0, image.shape[3] % 8 == 0,
            image.shape[2] > 0, image.shape[3] > 0
        else {
            throw NNError.badShape("TAEF2 encoder: input \(image.shape), expected [N, 3, H, W] with H and W multiples of 8")
        }
        return try run(encoderSteps, Tensor(image)).host
    }

    /// Latents `[N, 32, h, w]` -> RGB `[N, 3, 8h, 8w]`, not clamped.
    public func decode(_ latents: HostTensor) throws -> HostTensor {
        guard latents.shape.count == 4, latents.shape[1] == Self.latentChannels else {
            throw NNError.badShape("TAEF2 decoder: input \(latents.shape), expected [N, 32, h, w]")
        }
        return try run(decoderSteps, Tensor(latents)).host
    }

    /// Encode then decode (the `taef2` synth family's fake), not clamped.
    public func reconstruct(_ image: HostTensor) throws -> HostTensor {
        try decode(encode(image))
    }
}
