/// One convolution of the inference graph with its BatchNorm folded in: `y = W' * x + b'`
/// with `W' = W * s`, `b' = beta - mean * s`, `s = gamma / sqrt(running_var + eps)` per output
/// channel (eval-mode BatchNorm, PyTorch `BatchNorm2d`, eps 1e-5).
struct InferenceConv {
    /// State-dict key of the conv (`layer2.0.conv2`), for messages.
    let key: String
    let inChannels: Int
    let outChannels: Int
    let kernel: Int
    let stride: Int
    let padding: Int
    /// Folded weights `[O, I, k, k]`, held in whatever layouts the primitives asked for.
    let weights: InferenceParameter
    /// Folded bias `[O]`.
    let bias: InferenceParameter

    /// Output size along one axis, PyTorch's floor rule: `(x + 2p - k) / s + 1`.
    func outputSize(_ x: Int) -> Int { (x + 2 * padding - kernel) / stride + 1 }
}

/// A residual block in forward order: `convs` (ReLU after each but the last, whose output gets
/// the shortcut added and then ReLU), and the optional projection shortcut (conv1x1 + BN).
struct InferenceBlock {
    let convs: [InferenceConv]
    let downsample: InferenceConv?
}

/// The final `fc` (Linear): weights `[classes, features]` viewed as 2-D, bias `[classes]`.
struct InferenceLinear {
    let inFeatures: Int
    let outFeatures: Int
    let weights: InferenceParameter
    let bias: InferenceParameter
}
