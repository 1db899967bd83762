/// Why an `InferenceNetwork` could not be built or could not run a batch. Every case names the
/// state-dict key or the input shape at fault.
public enum InferenceError: Error, CustomStringConvertible, Equatable {
    /// The state dict lacks a parameter the architecture needs.
    case missingKey(String)
    /// A parameter has the wrong shape for the architecture.
    case shapeMismatch(key: String, expected: [Int], actual: [Int])
    /// A parameter holds a value the network cannot use (NaN, a negative running variance).
    case invalidValue(key: String, reason: String)
    /// The input is not `[N, 3, H, W]` with N >= 1, or its value count does not match.
    case badInputShape(shape: [Int], reason: String)
    /// H or W below 32: the five stride-2 stages would shrink the feature map below 1x1.
    case inputTooSmall(height: Int, width: Int, minimum: Int)
    /// The activations for this batch shape would exceed `InferenceNetwork.memoryLimitBytes`.
    case exceedsMemoryLimit(shape: [Int], bytes: Int, limit: Int)
    /// oneDNN has no optimised kernel for this precision on this CPU (bf16 needs AVX-512).
    case unsupportedPrecision(String)

    public var description: String {
        switch self {
        case .missingKey(let key):
            return "state dict: missing parameter '\(key)'"
        case .shapeMismatch(let key, let expected, let actual):
            return "state dict: '\(key)' has shape \(actual), expected \(expected)"
        case .invalidValue(let key, let reason):
            return "state dict: '\(key)': \(reason)"
        case .badInputShape(let shape, let reason):
            return "inference input \(shape): \(reason)"
        case .inputTooSmall(let h, let w, let minimum):
            return "inference input \(h)x\(w) (HxW) is smaller than the minimum \(minimum)x\(minimum)"
        case .exceedsMemoryLimit(let shape, let bytes, let limit):
            return "inference input \(shape) needs \(bytes >> 20) MiB of activations, over the limit of \(limit >> 20) MiB"
        case .unsupportedPrecision(let precision):
            return "precision \(precision): oneDNN has no optimised kernel for it on this CPU (bf16 needs AVX-512); use fp32"
        }
    }
}
