/// A plain up-sampling decoder (the generator shape of DCGAN/ProGAN-style decoders, and of the
/// random generators of FingerprintNet, Jeong et al. ECCV 2022), inference only:
///
/// `head` conv3x3 in->C + act -> `stages` x [up x2 (`kind`) -> norm -> act ->
/// `convsPerStage` x (conv3x3 C->C + act)] -> `tail` conv3x3 C->out (no activation).
/// `[N, in, H, W]` -> `[N, out, H 2^stages, W 2^stages]`.
///
/// Weights by PyTorch-style key: `head.weight` / `.bias`, `stages.<s>.up.*`, `stages.<s>.norm.*`
/// (batch norm only), `stages.<s>.convs.<j>.*`, `tail.*` (see `GeneratorUpStage`). The
/// same network in PyTorch is in scripts/fixtures/make_generator_fixtures.py.
public final class GeneratorUpsampler {
    public struct Spec: Equatable, Sendable {
        public var kind: UpsamplingKind
        public var stages: Int
        public var inChannels: Int
        public var width: Int
        public var outChannels: Int
        public var convsPerStage: Int
        public var activation: GeneratorActivation
        public var norm: GeneratorNorm

        public init(
            kind: UpsamplingKind, stages: Int, inChannels: Int = 3, width: Int, outChannels: Int = 3,
            convsPerStage: Int, activation: GeneratorActivation, norm: GeneratorNorm
        ) {
            self.kind = kind; self.stages = stages; self.inChannels = inChannels; self.width = width
            self.outChannels = outChannels; self.convsPerStage = convsPerStage; self.activation = activation; self.norm = norm
        }

        /// Every weight key with its shape, in a fixed order (the order seeded weights are drawn in).
        public var parameterShapes: [(key: String, shape: [Int])] {
            let c = width
            var out: [(String, [Int])] = [("head.weight", [c, inChannels, 3, 3]), ("head.bias", [c])]
            for s in 0..<stages {
                switch kind {
                case .transposed4: out += [("stages.\(s).up.weight", [c, c, 4, 4]), ("stages.\(s).up.bias", [c])]
                case .transposed3: out += [("stages.\(s).up.weight", [c, c, 3, 3]), ("stages.\(s).up.bias", [c])]
                case .nearest, .bilinear: out += [("stages.\(s).up.weight", [c, c, 3, 3]), ("stages.\(s).up.bias", [c])]
                case .pixelShuffle: out += [("stages.\(s).up.weight", [4 * c, c, 3, 3]), ("stages.\(s).up.bias", [4 * c])]
                }
                if norm == .batch { out += [("stages.\(s).norm.weight", [c]), ("stages.\(s).norm.bias", [c])] }
                for j in 0..<convsPerStage {
                    out += [("stages.\(s).convs.\(j).weight", [c, c, 3, 3]), ("stages.\(s).convs.\(j).bias", [c])]
                }
            }
            return out + [("tail.weight", [outChannels, c, 3, 3]), ("tail.bias", [outChannels])]
        }
    }

    public let spec: Spec
    private let head: GeneratorConv
    private let stages: [(up: GeneratorUpStage, convs: [GeneratorConv])]
    private let tail: GeneratorConv

    public init(spec: Spec, weights: StateDict) throws {
        guard spec.stages >= 1, spec.stages <= 6, spec.width >= 1, spec.convsPerStage >= 0 else {
            throw NNError.badShape("upsampler: \(spec.stages) stages of width \(spec.width)")
        }
        self.spec = spec
        var w = GeneratorWeights(weights, what: "upsampler")
        let c = spec.width, act = spec.activation
        func conv(_ key: String, _ cin: Int, _ cout: Int, _ a: GeneratorActivation) throws -> GeneratorConv {
            try GeneratorConv(
                weight: w.tensor("\(key).weight", [cout, cin, 3, 3]), bias: w.tensor("\(key).bias", [cout]),
                padding: 1, activation: a, name: key)
        }
        head = try conv("head", spec.inChannels, c, act)
        var st: [(GeneratorUpStage, [GeneratorConv])] = []
        for s in 0..<spec.stages {
            let up = try GeneratorUpStage(&w, prefix: "stages.\(s)", kind: spec.kind, channels: c, norm: spec.norm, activation: act)
            st.append((up, try (0..<spec.convsPerStage).map { try conv("stages.\(s).convs.\($0)", c, c, act) }))
        }
        stages = st
        tail = try conv("tail", c, spec.outChannels, .identity)
        try w.finish()
    }

    /// `[N, in, H, W]` -> `[N, out, H 2^stages, W 2^stages]`.
    public func forward(_ input: HostTensor) throws -> HostTensor {
        var x = try head.forward(Tensor(input))
        for (up, convs) in stages {
            x = try up.forward(x)
            for c in convs { x = try c.forward(x) }
        }
        return try tail.forward(x).host
    }
}

extension GeneratorUpsampler {
    /// `[N, C, H, W]` up-sampled by `factor` (nearest, or bilinear with `align_corners=False`):
    /// the same oneDNN resampling the up-sampling stages use.
    public static func resample(_ x: HostTensor, bilinear: Bool, factor: Int) throws -> HostTensor {
        try GeneratorResample(bilinear ? .bilinear : .nearest, factor: factor).forward(Tensor(x)).host
    }
}
