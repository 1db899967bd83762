/// A trainable network built from its `NetworkDescription` (`spec.description`), with the
/// reference's state-dict keys: the description's layers in order, global average pool, head.
/// Input `[N, 3, H, W]` float32 NCHW, normalised as the description says; output logits
/// `[N, numClasses]`.
///
/// `forward(_:mode: .train)` keeps what `backward` needs; `backward(_:)` adds every
/// parameter's gradient into `Parameter.grad` (call `zeroGrad()` between steps, as in PyTorch).
/// Weights start with the description's initialisation (see `TrainableNetwork+Init.swift`).
public final class TrainableNetwork {
    public let spec: NetworkSpec
    let layers: [TrainableLayer]
    let avgpool = GlobalAvgPool()
    let head: Linear

    /// Parameters in `model.parameters()` order (`spec.parameterKeys`).
    public let namedParameters: [(key: String, parameter: Parameter)]
    /// BatchNorm layers by key prefix (`bn1`, `layer1.0.bn2`, `layer1.0.downsample.1`).
    let namedBatchNorms: [(String, BatchNorm2d)]
    private let parameterIndex: [String: Parameter]

    /// A model with the description's initialisation drawn from `seed`.
    public init(_ spec: NetworkSpec = NetworkSpec(), seed: UInt64 = 0) throws {
        self.spec = spec
        let d = spec.description
        layers = try d.layers.map(TrainableLayer.init)
        head = try Linear(d.head.inFeatures, d.head.outFeatures)

        // Registration order = forward order, main path before shortcut (see NetworkDescription+StateDict).
        var params: [(String, Parameter)] = []
        var bns: [(String, BatchNorm2d)] = []
        for u in layers.flatMap(\.units) {
            params.append((u.description.conv.key + ".weight", u.conv.weight))
            if let b = u.conv.bias { params.append((u.description.conv.key + ".bias", b)) }
            let b = u.description.batchNorm.key
            params.append((b + ".weight", u.bn.weight)); params.append((b + ".bias", u.bn.bias))
            bns.append((b, u.bn))
        }
        params += [(d.head.key + ".weight", head.weight), (d.head.key + ".bias", head.bias)]
        namedParameters = params.map { (key: $0.0, parameter: $0.1) }
        namedBatchNorms = bns
        parameterIndex = Dictionary(uniqueKeysWithValues: params)
        var rng = InitRandom(seed: seed)
        initialiseWeights(&rng)
    }

    /// The parameter under a state-dict key (`layer4.2.bn3.weight`), or nil.
    public func parameter(_ key: String) -> Parameter? { parameterIndex[key] }

    /// The accumulated gradient of a parameter, or nil for an unknown key.
    public func gradient(_ key: String) -> HostTensor? { parameterIndex[key]?.grad.host }

    /// Sets every gradient to zero.
    public func zeroGrad() { for (_, p) in namedParameters { p.zeroGrad() } }

    /// Whether train-mode forwards move BatchNorm's running statistics (see BatchNorm2d).
    public func updateRunningStatistics(_ on: Bool) {
        for (_, bn) in namedBatchNorms { bn.updatesRunningStatistics = on }
    }

    /// Synchronised BatchNorm over the replicas `reducer` sums over (nil: per-process statistics).
    public func synchronizeBatchNorm(_ reducer: ReplicaReducer?) {
        for (_, bn) in namedBatchNorms { bn.replicas = reducer }
    }

    /// `x` `[N, 3, H, W]` -> logits `[N, numClasses]`.
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        guard x.shape.count == 4, x.shape[1] == 3 else {
            throw NNError.badShape("\(spec.architecture.rawValue) input \(x.shape), expected [N, 3, H, W]")
        }
        var h = x
        if spec.description.inputTransform != .identity {
            h = try Tensor(try InputTransformKernel.apply(spec.description.inputTransform, to: x.host))
        }
        for layer in layers { h = try layer.forward(h, mode: mode) }
        return try head.forward(try avgpool.forward(h, mode: mode), mode: mode)
    }

    /// Convenience over exchange tensors.
    public func forward(_ x: HostTensor, mode: ForwardMode) throws -> HostTensor {
        try forward(try Tensor(x), mode: mode).host
    }

    /// dL/dlogits `[N, numClasses]` after a train-mode forward: adds all parameter gradients.
    /// The activations kept by the forward pass are released as backward consumes them.
    public func backward(_ dLogits: Tensor) throws {
        var g: Tensor? = try avgpool.backward(try head.backward(dLogits))
        for (i, layer) in layers.enumerated().reversed() {
            // Nothing needs the gradient of the image: the first layer skips it.
            g = try layer.backward(g!, inputGradient: i > 0)
        }
    }

    public func backward(_ dLogits: HostTensor) throws { try backward(try Tensor(dLogits)) }

    /// Frees the activations a train-mode forward kept, when no backward will follow
    /// (a failed step); backward frees them itself.
    public func releaseActivations() {
        for layer in layers { layer.releaseSaved() }
        avgpool.releaseSaved(); head.releaseSaved()
    }

    /// One step of the detector's objective on a batch: zero grads, train forward,
    /// BCEWithLogits (mean) against `labels` (`[N]` or `[N, 1]`, 0 real / 1 fake), backward.
    /// Returns the loss and the logits `[N, 1]`; the optimiser step is the caller's.
    /// `lossScale` multiplies the loss gradient (the returned loss is unscaled): a data-parallel
    /// replica with synchronised BatchNorm backpropagates its share `n / N` of the global mean loss.
    public func trainingStep(_ x: HostTensor, labels: [Float], lossScale: Float = 1) throws -> (loss: Float, logits: HostTensor) {
        guard spec.numClasses == 1, labels.count == x.shape.first else {
            throw NNError.badShape("trainingStep: \(labels.count) labels for input \(x.shape) (one logit per image)")
        }
        zeroGrad()
        do {
            let logits = try forward(x, mode: .train)
            var (loss, grad) = try BCEWithLogits.forwardBackward(logits: logits, targets: HostTensor(shape: logits.shape, data: labels))
            if lossScale != 1 { grad.data = grad.data.map { $0 * lossScale } }
            try backward(grad)
            return (loss, logits)
        } catch {
            releaseActivations()
            throw error
        }
    }
}

/// The name the ResNet-only first version used.
public typealias TrainableResNet = TrainableNetwork
