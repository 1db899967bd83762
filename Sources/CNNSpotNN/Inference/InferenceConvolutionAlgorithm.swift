/// How `InferenceNetwork` computes its convolutions.
public enum InferenceConvolutionAlgorithm: String, Sendable, CaseIterable {
    /// Winograd F(4x4 or 2x2, 3x3) for the stride-1 3x3 convs where oneDNN has it (AVX-512 CPUs;
    /// about 15% less work for ResNet-50, logits within ~1e-6 relative of direct), direct
    /// convolution elsewhere; activations in `nChw16c`. On CPUs without it: same as `direct`.
    case fastest
    /// Direct convolution everywhere, in the layouts oneDNN prefers (`format_tag_any`).
    case direct
}

/// Layout and algorithm choices a plan is built with (decided once per network).
struct InferencePlanOptions: Equatable {
    /// Fixed activation layout (`nChw16c` with Winograd), or nil for oneDNN's choice.
    var activationFormat: DNNLFormat?
    /// Winograd for stride-1 3x3 convs (falls back to direct per conv if oneDNN declines).
    var winograd: Bool
    /// Data type of the activations and conv weights (f32, or bf16 with `.bf16`); biases, the
    /// input and the head stay f32.
    var dataType: DNNLDataType = .f32

    static let direct = InferencePlanOptions(activationFormat: nil, winograd: false)

    /// Options for `algorithm` on this CPU: Winograd only if oneDNN builds a Winograd conv for a
    /// typical ResNet layer (64 -> 64 channels, 56x56, `nChw16c`).
    /// bf16 has no Winograd in oneDNN: its convs are direct, in the layouts oneDNN prefers.
    static func resolve(_ algorithm: InferenceConvolutionAlgorithm, precision: InferencePrecision = .fp32) -> InferencePlanOptions {
        if precision != .fp32 { return InferencePlanOptions(activationFormat: nil, winograd: false, dataType: precision.dataType) }
        return algorithm == .fastest && winogradAvailable ? InferencePlanOptions(activationFormat: .nChw16c, winograd: true) : .direct
    }

    static let winogradAvailable: Bool =
        (try? typicalConvolution(
            activations: DNNLMemoryDesc(dims: [1, 64, 56, 56], format: .nChw16c),
            algorithm: .winograd, what: "Winograd probe")) != nil

    /// The primitive oneDNN builds for a typical ResNet layer (64 -> 64 channels, 3x3, stride 1,
    /// padding 1, 56x56, batch 1) with `activations` as source and destination and weights of
    /// their data type: what the CPU-dependent choices (Winograd, bf16) probe. Throws when oneDNN
    /// has no such primitive.
    static func typicalConvolution(activations: DNNLMemoryDesc, algorithm: DNNLConvolutionAlgorithm, what: String) throws -> DNNLPrimitiveDesc {
        let weights = try DNNLMemoryDesc.any([64, 64, 3, 3], dataType: activations.dataType ?? .f32)
        return try DNNLPrimitiveDesc.convolution(
            .inference, algorithm: algorithm, src: activations, weights: weights,
            bias: .plain([64]), dst: activations, window: DNNLWindow(stride: 1, padding: 1),
            what: what)
    }
}
