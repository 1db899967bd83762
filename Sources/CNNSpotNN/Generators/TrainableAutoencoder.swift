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
            default:
                throw NNError.badState("autoencoder training: up-sampling '\(spec.kind.rawValue)' needs a trainable layer not built yet")
            }
            ls.append(act())
        }
        ls.append(.conv("decoder.tail", try Conv2d(w, 3, kernel: 3, padding: 1, bias: true)))
        layers = ls
        var rng = InitRandom(seed: seed)
        for case .conv(_, let c) in layers {
            let fanIn = Double(c.inChannels * c.kernel * c.kernel), bound = 1 / fanIn.squareRoot()
            let n = c.weight.shape.reduce(1, *)
            try c.weight.value.copy(from: HostTensor(shape: c.weight.shape, data: (0..<n).map { _ in Float((rng.uniform() * 2 - 1) * bound) }))
            if let b = c.bias {
                try b.value.copy(from: HostTensor(shape: b.shape, data: (0..<b.shape[0]).map { _ in Float((rng.uniform() * 2 - 1) * bound) }))
            }
        }
    }

    /// Parameters by state-dict key, in forward order (the optimizer's order).
    public var parameters: [(key: String, parameter: Parameter)] {
        layers.flatMap { l -> [(key: String, parameter: Parameter)] in
            guard case .conv(let k, let c) = l else { return [] }
            return [("\(k).weight", c.weight)] + (c.bias.map { [("\(k).bias", $0)] } ?? [])
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
            }
        }
    }

    public func zeroGrad() { for (_, p) in parameters { p.zeroGrad() } }
}
