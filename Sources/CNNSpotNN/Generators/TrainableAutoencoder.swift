import Foundation

/// `AutoencoderSpec` built from the trainable layers (forward and backward), for the brief
/// training of the `ae-*` synth families; `stateDict` gives the weights `GeneratorAutoencoder`
/// runs. Initialisation: PyTorch's default for conv layers (`kaiming_uniform_(a=sqrt(5))`:
/// weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in))) from a seeded `InitRandom`.
public final class TrainableAutoencoder {
    private enum Layer {
        case conv(String, Conv2d)
        case act(LeakyReLU)
        case upsample(Upsample)
        case deconv(String, ConvTranspose2d)
        case shuffle(PixelShuffle)
    }
    public let spec: AutoencoderSpec
    private let layers: [Layer]

    public init(spec: AutoencoderSpec, seed: UInt64) throws {
        self.spec = spec
        var ls: [Layer] = []
        let act = { Layer.act(LeakyReLU(negativeSlope: AutoencoderSpec.slope)) }
        for e in spec.encoder {
            ls += [.conv(e.key, try Conv2d(e.inChannels, e.outChannels, kernel: 3, stride: e.stride, padding: 1, bias: true)), act()]
        }
        let w = spec.width
        ls += [.conv("decoder.head", try Conv2d(2 * w, w, kernel: 3, padding: 1, bias: true)), act()]
        for s in 0..<2 {
            switch spec.kind {
            case .nearest, .bilinear:
                ls.append(.upsample(try Upsample(factor: 2, mode: spec.kind == .nearest ? .nearest : .bilinear)))
                ls.append(.conv("decoder.stages.\(s).up", try Conv2d(w, w, kernel: 3, padding: 1, bias: true)))
            case .transposed4, .transposed3:
                let four = spec.kind == .transposed4
                ls.append(
                    .deconv(
                        "decoder.stages.\(s).up",
                        try ConvTranspose2d(
                            w, w, kernel: four ? 4 : 3, stride: 2, padding: 1,
                            outputPadding: four ? 0 : 1, bias: true)))
            case .pixelShuffle:
                ls.append(.conv("decoder.stages.\(s).up", try Conv2d(w, 4 * w, kernel: 3, padding: 1, bias: true)))
                ls.append(.shuffle(try PixelShuffle(2)))
            }
            ls.append(act())
        }
        ls.append(.conv("decoder.tail", try Conv2d(w, 3, kernel: 3, padding: 1, bias: true)))
        layers = ls
        var rng = InitRandom(seed: seed)
        // PyTorch's fan_in: weight.shape[1] * k * k (for ConvTranspose2d that is its out channels).
        for l in layers {
            let weight: Parameter, bias: Parameter?
            switch l {
            case .conv(_, let c): (weight, bias) = (c.weight, c.bias)
            case .deconv(_, let d): (weight, bias) = (d.weight, d.bias)
            default: continue
            }
            let fanIn = Double(weight.shape[1] * weight.shape[2] * weight.shape[3]), bound = 1 / fanIn.squareRoot()
            let n = weight.shape.reduce(1, *)
            try weight.value.copy(from: HostTensor(shape: weight.shape, data: (0..<n).map { _ in Float((rng.uniform() * 2 - 1) * bound) }))
            if let b = bias {
                try b.value.copy(from: HostTensor(shape: b.shape, data: (0..<b.shape[0]).map { _ in Float((rng.uniform() * 2 - 1) * bound) }))
            }
        }
    }

    /// Parameters by state-dict key, in forward order (the optimizer's order).
    public var parameters: [(key: String, parameter: Parameter)] {
        layers.flatMap { l -> [(key: String, parameter: Parameter)] in
            switch l {
            case .conv(let k, let c): return [("\(k).weight", c.weight)] + (c.bias.map { [("\(k).bias", $0)] } ?? [])
            case .deconv(let k, let d): return [("\(k).weight", d.weight)] + (d.bias.map { [("\(k).bias", $0)] } ?? [])
            default: return []
            }
        }
    }

    public func stateDict() -> StateDict {
        Dictionary(uniqueKeysWithValues: parameters.map { ($0.key, $0.parameter.value.host) })
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        var y = x
        for l in layers {
            switch l {
            case .conv(_, let c): y = try c.forward(y, mode: mode)
            case .act(let a): y = try a.forward(y, mode: mode)
            case .upsample(let u): y = try u.forward(y, mode: mode)
            case .deconv(_, let d): y = try d.forward(y, mode: mode)
            case .shuffle(let p): y = try p.forward(y, mode: mode)
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) throws {
        var g = dy
        for l in layers.reversed() {
            switch l {
            case .conv(_, let c): g = try c.backward(g)
            case .act(let a): g = try a.backward(g)
            case .upsample(let u): g = try u.backward(g)
            case .deconv(_, let d): g = try d.backward(g)
            case .shuffle(let p): g = try p.backward(g)
            }
        }
    }

    public func zeroGrad() { for (_, p) in parameters { p.zeroGrad() } }
}
