/// One convolution of the inference graph with its BatchNorm folded in: `y = W' * x + b'`
/// with `W' = W * s`, `b' = beta - mean * s`, `s = gamma / sqrt(running_var + eps)` per output
/// channel (eval-mode BatchNorm, eps from the description), then its activation as a post-op.
struct InferenceConv {
    /// The description's conv: key (for messages), channels, kernel, stride, padding, groups.
    let description: NetworkDescription.ConvDescription
    let activation: NetworkDescription.Activation?
    /// Folded weights `[O, I/g, k, k]` (as `[g, O/g, I/g, k, k]` when grouped), held in
    /// whatever layouts the primitives asked for.
    let weights: InferenceParameter
    /// Folded bias `[O]`.
    let bias: InferenceParameter

    var key: String { description.key }
    var inChannels: Int { description.inChannels }
    var outChannels: Int { description.outChannels }
    var kernel: Int { description.kernel }
    var stride: Int { description.stride }
    var groups: Int { description.groups }

    /// oneDNN weight dims: grouped convolutions take `[g, O/g, I/g, k, k]` (same memory order
    /// as PyTorch's `[O, I/g, k, k]`).
    static func weightDims(_ d: NetworkDescription.ConvDescription) -> [Int] {
        let k = d.kernel
        return d.groups == 1
            ? [d.outChannels, d.inChannels, k, k]
            : [d.groups, d.outChannels / d.groups, d.inChannels / d.groups, k, k]
    }

    /// Output size along one axis (padding from the description, PyTorch's floor rule).
    func outputSize(_ x: Int) -> Int { description.outputSize(x) }
}

/// One step of the inference graph, in forward order.
enum InferenceStage {
    case conv(InferenceConv)
    case maxPool(kernel: Int, stride: Int, padding: Int)
    /// `activation(main(x) + shortcut(x))`: the last main conv accumulates onto the shortcut
    /// (sum post-op, then the activation); `shortcut` nil is the identity.
    case residual(main: [InferenceConv], shortcut: InferenceConv?, activation: NetworkDescription.Activation?)

    var convs: [InferenceConv] {
        switch self {
        case .conv(let c): return [c]
        case .maxPool: return []
        case .residual(let main, let shortcut, _): return main + (shortcut.map { [$0] } ?? [])
        }
    }
}

/// The head (Linear): weights `[classes, features]` viewed as 2-D, bias `[classes]`.
struct InferenceLinear {
    let inFeatures: Int
    let outFeatures: Int
    let weights: InferenceParameter
    let bias: InferenceParameter
}
