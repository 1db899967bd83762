/// How a generator stage doubles the resolution (the four families of CNN up-sampling that leave
/// periodic traces, Odena et al. 2016; Zhang et al. 2019; Jeong et al. ECCV 2022):
/// - `transposed4`: `ConvTranspose2d(k=4, s=2, p=1)` (checkerboard: kernel overlap 2, 2);
/// - `transposed3`: `ConvTranspose2d(k=3, s=2, p=1, output_padding=1)` (uneven overlap 2, 1);
/// - `nearest`: `Upsample(2, 'nearest')` then conv3x3;
/// - `bilinear`: `Upsample(2, 'bilinear', align_corners=False)` then conv3x3;
/// - `pixelShuffle`: conv3x3 to 4x the channels then `PixelShuffle(2)` (sub-pixel conv).
public enum UpsamplingKind: String, CaseIterable, Sendable {
    case transposed4 = "transposed-k4"
    case transposed3 = "transposed-k3"
    case nearest
    case bilinear
    case pixelShuffle = "pixelshuffle"
}

/// Normalisation after each up-sampling step of a generator.
public enum GeneratorNorm: String, CaseIterable, Sendable {
    case none
    /// `InstanceNorm2d(C)`, no affine: per image and channel over H x W.
    case instance
    /// `BatchNorm2d(C)` with batch statistics (train-mode statistics of the batch being made,
    /// here one patch: per channel over N x H x W) and a per-channel scale and shift.
    case batch
}

/// A stage of `GeneratorUpsampler`: the up-sampling layer with its weights and the norm.
struct GeneratorUpStage {
    enum Up {
        case deconv(GeneratorDeconv)
        case resampleConv(GeneratorResample, GeneratorConv)
        case shuffle(GeneratorConv, GeneratorPixelShuffle)
    }
    let up: Up
    let norm: GeneratorGroupNorm?
    /// The activation when there is no norm to carry it (fused into the layer where possible).
    let activation: GeneratorActivation

    /// Weights: `<prefix>.up.weight` / `.bias` in PyTorch's layout (`ConvTranspose2d`: `[in, out, k, k]`,
    /// `Conv2d`: `[out, in, 3, 3]`, 4x `channels` outputs for pixel shuffle), and for `.batch` norm
    /// `<prefix>.norm.weight` / `.bias` `[channels]`.
    init(
        _ w: inout GeneratorWeights, prefix p: String, kind: UpsamplingKind, channels c: Int, norm: GeneratorNorm,
        activation: GeneratorActivation
    ) throws {
        let fused: GeneratorActivation = norm == .none ? activation : .identity
        switch kind {
        case .transposed4, .transposed3:
            let k = kind == .transposed4 ? 4 : 3
            up = .deconv(
                try GeneratorDeconv(
                    weight: w.tensor("\(p).up.weight", [c, c, k, k]), bias: w.tensor("\(p).up.bias", [c]),
                    stride: 2, padding: 1, outputPadding: kind == .transposed4 ? 0 : 1,
                    activation: fused, name: "\(p).up"))
        case .nearest, .bilinear:
            up = .resampleConv(
                GeneratorResample(kind == .nearest ? .nearest : .bilinear, factor: 2),
                try GeneratorConv(
                    weight: w.tensor("\(p).up.weight", [c, c, 3, 3]), bias: w.tensor("\(p).up.bias", [c]),
                    padding: 1, activation: fused, name: "\(p).up"))
        case .pixelShuffle:
            // The activation commutes with the shuffle (a permutation), so it is fused into the conv.
            up = .shuffle(
                try GeneratorConv(
                    weight: w.tensor("\(p).up.weight", [4 * c, c, 3, 3]), bias: w.tensor("\(p).up.bias", [4 * c]),
                    padding: 1, activation: fused, name: "\(p).up"),
                GeneratorPixelShuffle(factor: 2))
        }
        switch norm {
        case .none: self.norm = nil
        case .instance: self.norm = try GeneratorGroupNorm(groups: c, channels: c, activation: activation, name: "\(p).norm")
        case .batch:
            self.norm = try GeneratorGroupNorm(
                groups: c, channels: c, gamma: w.tensor("\(p).norm.weight", [c]),
                beta: w.tensor("\(p).norm.bias", [c]), activation: activation, name: "\(p).norm")
        }
        self.activation = activation
    }

    func forward(_ x: Tensor) throws -> Tensor {
        var y: Tensor
        switch up {
        case .deconv(let d): y = try d.forward(x)
        case .resampleConv(let r, let c): y = try c.forward(r.forward(x))
        case .shuffle(let c, let s): y = try s.forward(c.forward(x))
        }
        if let norm { y = try norm.forward(y) }
        return y
    }
}
