import Foundation

/// One random decoder drawn from a seed (`RandomDecoderFamily`): architecture, amplitude and
/// weights, all from `SynthRandom` sub-streams of the seed.
struct RandomDecoderDraw {
    let seed: UInt64
    let spec: GeneratorUpsampler.Spec
    /// RMS of the added residual, in grey levels.
    let amplitude: Double

    static let widths = [16, 24, 32, 48]
    static let activations: [GeneratorActivation] = [.relu, .leakyReLU(0.2), .tanh]

    init(seed: UInt64, kinds: [UpsamplingKind]) {
        self.seed = seed
        var r = SynthRandom(seed: seed, stream: 1)
        let kind = r.pick(kinds)
        let stages = 1 + r.index(3)
        spec = GeneratorUpsampler.Spec(
            kind: kind, stages: stages, width: r.pick(Self.widths), convsPerStage: r.index(2),
            activation: r.pick(Self.activations), norm: r.pick(GeneratorNorm.allCases))
        amplitude = (r.uniform(2, 6) * 100).rounded() / 100
    }

    /// `key=value;...` for the manifest.
    var settings: String {
        "kind=\(spec.kind.rawValue);reduce=\(1 << spec.stages);width=\(spec.width);convs_per_stage=\(spec.convsPerStage);"
            + "act=\(spec.activation.name);norm=\(spec.norm.rawValue);residual_rms=\(amplitude);seed=\(seed)"
    }

    /// The decoder's weights, drawn in `parameterShapes` order.
    func weights() -> StateDict {
        var r = SynthRandom(seed: seed, stream: 2)
        let gain: Double
        switch spec.activation {
        case .relu: gain = 2.0.squareRoot()
        case .leakyReLU(let s): gain = (2 / (1 + Double(s * s))).squareRoot()
        case .tanh: gain = 5.0 / 3
        case .identity: gain = 1
        }
        var out: StateDict = [:]
        for (key, shape) in spec.parameterShapes {
            let n = shape.reduce(1, *)
            let values: [Float]
            if key.hasSuffix("norm.weight") {
                values = (0..<n).map { _ in Float(r.uniform(0.5, 1.5)) }
            } else if key.hasSuffix("norm.bias") {
                values = r.normals(n, std: 0.2)
            } else if shape.count == 1 {
                values = r.normals(n, std: 0.5)
            } else {
                // Fan-in of a conv: in x k x k; of a stride-2 transposed conv, in x k x k / 4 taps reach an output.
                let isDeconv = key.hasSuffix("up.weight") && (spec.kind == .transposed4 || spec.kind == .transposed3)
                let fanIn = isDeconv ? Double(shape[0] * shape[2] * shape[3]) / 4 : Double(shape[1] * shape[2] * shape[3])
                values = r.normals(n, std: (key.hasPrefix("tail") ? 1 : gain) / fanIn.squareRoot())
            }
            out[key] = HostTensor(shape: shape, data: values)
        }
        return out
    }
}
