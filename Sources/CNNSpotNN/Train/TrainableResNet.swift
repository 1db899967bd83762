/// A trainable torchvision ResNet (18/34/50/101/152, "v1.5") built from `ResNetSpec`, with
/// torchvision's state-dict keys: conv1 7x7/2 -> bn1 -> relu -> maxpool 3x3/2 -> layer1..4 ->
/// global average pool -> fc. Input `[N, 3, H, W]` float32 NCHW, normalised, any H, W
/// (>= 32 recommended); output logits `[N, numClasses]`.
///
/// `forward(_:mode: .train)` keeps what `backward` needs; `backward(_:)` adds every
/// parameter's gradient into `Parameter.grad` (call `zeroGrad()` between steps, as in PyTorch).
/// Weights start with torchvision's initialisation (see `TrainableResNet+Init.swift`).
public final class TrainableResNet {
    public let spec: ResNetSpec
    let conv1: Conv2d
    let bn1: BatchNorm2d
    let maxpool = MaxPool2d(kernel: 3, stride: 2, padding: 1)
    let blocks: [ResidualBlock]
    let avgpool = GlobalAvgPool()
    let fc: Linear

    /// Parameters in `model.parameters()` order (`spec.parameterKeys`).
    public let namedParameters: [(key: String, parameter: Parameter)]
    /// BatchNorm layers by key prefix (`bn1`, `layer1.0.bn2`, `layer1.0.downsample.1`).
    let namedBatchNorms: [(String, BatchNorm2d)]
    private let parameterIndex: [String: Parameter]

    /// A model with torchvision's default initialisation drawn from `seed`.
    public init(_ spec: ResNetSpec = ResNetSpec(), seed: UInt64 = 0) throws {
        self.spec = spec
        conv1 = try Conv2d(3, 64, kernel: 7, stride: 2, padding: 3)
        bn1 = try BatchNorm2d(64, fusedReLU: true)  // bn1 -> relu in one pass
        blocks = try spec.blocks.map { try ResidualBlock($0, bottleneck: spec.isBottleneck) }
        fc = try Linear(spec.featureChannels, spec.numClasses)

        var params: [(String, Parameter)] = [("conv1.weight", conv1.weight), ("bn1.weight", bn1.weight), ("bn1.bias", bn1.bias)]
        var bns: [(String, BatchNorm2d)] = [("bn1", bn1)]
        for b in blocks {
            // torchvision registers conv1, bn1, conv2, bn2, (conv3, bn3,) then downsample.0, downsample.1.
            let convs = b.namedConvs, norms = b.namedBatchNorms
            for (c, n) in zip(convs, norms) {
                params.append((c.0 + ".weight", c.1.weight))
                params.append((n.0 + ".weight", n.1.weight)); params.append((n.0 + ".bias", n.1.bias))
            }
            bns += norms
        }
        params += [("fc.weight", fc.weight), ("fc.bias", fc.bias)]
        namedParameters = params.map { (key: $0.0, parameter: $0.1) }
        namedBatchNorms = bns
        parameterIndex = Dictionary(uniqueKeysWithValues: params)
        precondition(namedParameters.map(\.key) == spec.parameterKeys, "TrainableResNet: parameter order differs from ResNetSpec")
        var rng = InitRandom(seed: seed)
        initialiseWeights(&rng)
    }

    /// The parameter under a torchvision key (`layer4.2.bn3.weight`), or nil.
    public func parameter(_ key: String) -> Parameter? { parameterIndex[key] }

    /// The accumulated gradient of a parameter, or nil for an unknown key.
    public func gradient(_ key: String) -> HostTensor? { parameterIndex[key]?.grad.host }

    /// Sets every gradient to zero.
    public func zeroGrad() { for (_, p) in namedParameters { p.zeroGrad() } }

    /// `x` `[N, 3, H, W]` -> logits `[N, numClasses]`.
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        guard x.shape.count == 4, x.shape[1] == 3 else {
            throw NNError.badShape("ResNet input \(x.shape), expected [N, 3, H, W]")
        }
        var h = try maxpool.forward(try bn1.forward(try conv1.forward(x, mode: mode), mode: mode), mode: mode)
        for b in blocks { h = try b.forward(h, mode: mode) }
        return try fc.forward(try avgpool.forward(h, mode: mode), mode: mode)
    }

    /// Convenience over exchange tensors.
    public func forward(_ x: HostTensor, mode: ForwardMode) throws -> HostTensor {
        try forward(try Tensor(x), mode: mode).host
    }

    /// dL/dlogits `[N, numClasses]` after a train-mode forward: adds all parameter gradients.
    /// The activations kept by the forward pass are released as backward consumes them.
    public func backward(_ dLogits: Tensor) throws {
        var g = try avgpool.backward(try fc.backward(dLogits))
        for b in blocks.reversed() { g = try b.backward(g) }
        _ = try conv1.backward(try bn1.backward(try maxpool.backward(g)), inputGradient: false)
    }

    public func backward(_ dLogits: HostTensor) throws { try backward(try Tensor(dLogits)) }

    /// Frees the activations a train-mode forward kept, when no backward will follow
    /// (a failed step); backward frees them itself.
    public func releaseActivations() {
        conv1.releaseSaved(); bn1.releaseSaved(); maxpool.releaseSaved()
        for b in blocks { b.releaseSaved() }
        avgpool.releaseSaved(); fc.releaseSaved()
    }

    /// One step of the detector's objective on a batch: zero grads, train forward,
    /// BCEWithLogits (mean) against `labels` (`[N]` or `[N, 1]`, 0 real / 1 fake), backward.
    /// Returns the loss and the logits `[N, 1]`; the optimiser step is the caller's.
    public func trainingStep(_ x: HostTensor, labels: [Float]) throws -> (loss: Float, logits: HostTensor) {
        guard spec.numClasses == 1, labels.count == x.shape.first else {
            throw NNError.badShape("trainingStep: \(labels.count) labels for input \(x.shape) (one logit per image)")
        }
        zeroGrad()
        do {
            let logits = try forward(x, mode: .train)
            let (loss, grad) = try BCEWithLogits.forwardBackward(logits: logits, targets: HostTensor(shape: logits.shape, data: labels))
            try backward(grad)
            return (loss, logits)
        } catch {
            releaseActivations()
            throw error
        }
    }
}
