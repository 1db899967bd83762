/// The arithmetic `InferenceNetwork` runs its convolutions in.
public enum InferencePrecision: String, Sendable, CaseIterable {
    /// float32 everywhere (the default; logits match PyTorch's to ~1e-6).
    case fp32
    /// bfloat16 weights and activations between the layers, float32 accumulation inside each
    /// convolution (oneDNN's bf16 kernels; AVX-512 BF16 instructions where the CPU has them,
    /// emulated on other AVX-512 CPUs). The input is converted once before the stem, the
    /// average-pooled features are converted back to float32 and the head runs in float32.
    /// BatchNorm is folded in float32 before the weights are rounded. Convolutions are direct
    /// (oneDNN has no bf16 Winograd). Measured against fp32: ResNet-50 logits within 0.5% relative;
    /// the depthwise EfficientNet-Lite0 moves more (mean 0.03, max 0.4 on MiniSynths; PyTorch's own
    /// bf16 autocast moves it twice as far).
    case bf16

    var dataType: DNNLDataType { self == .bf16 ? .bf16 : .f32 }

    /// Whether oneDNN has an optimised (jit) kernel for this precision on this CPU: a bf16
    /// convolution that would run on a reference kernel (CPUs without AVX-512) is refused
    /// rather than taking minutes per image.
    public var isSupported: Bool {
        switch self {
        case .fp32: return true
        case .bf16: return Self.bf16Implementation.map { !$0.hasPrefix("ref") } ?? false
        }
    }

    /// Whether oneDNN runs bf16 on the CPU's own bf16 instructions (its kernel is an
    /// `avx512_core_bf16` or newer one); otherwise bf16 is emulated, at about fp32's speed.
    public static var hasNativeBF16: Bool { bf16Implementation?.contains("bf16") == true || bf16Implementation?.contains("amx") == true }

    /// The implementation oneDNN picks for a typical bf16 convolution (64 -> 64 channels, 3x3,
    /// 56x56), nil if it has none.
    static let bf16Implementation: String? =
        try? InferencePlanOptions.typicalConvolution(
            activations: DNNLMemoryDesc.any([1, 64, 56, 56], dataType: .bf16),
            algorithm: .direct, what: "bf16 probe"
        ).implementationName
}
