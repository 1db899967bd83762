/// Element types found in PyTorch checkpoints and safetensors files. Values are stored
/// little-endian (PyTorch's `byteorder` record and the safetensors spec).
public enum TensorDType: String, Sendable, CaseIterable, Equatable {
    case float32, float16, bfloat16, float64, int64, int32, int16, int8, uint8, bool

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }

    /// True for the floating-point types (convertible to Float without loss of meaning).
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float16, .bfloat16, .float64: return true
        default: return false
        }
    }

    /// The safetensors dtype string (`F32`, `F16`, `BF16`, `F64`, `I64`, `I32`, `I16`, `I8`, `U8`, `BOOL`).
    public var safeTensorsName: String {
        switch self {
        case .float32: return "F32"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .float64: return "F64"
        case .int64: return "I64"
        case .int32: return "I32"
        case .int16: return "I16"
        case .int8: return "I8"
        case .uint8: return "U8"
        case .bool: return "BOOL"
        }
    }

    public init?(safeTensorsName: String) {
        guard let match = TensorDType.allCases.first(where: { $0.safeTensorsName == safeTensorsName }) else { return nil }
        self = match
    }

    /// The legacy typed-storage class name in the `torch` module (`FloatStorage`, ...).
    public var torchStorageName: String {
        switch self {
        case .float32: return "FloatStorage"
        case .float16: return "HalfStorage"
        case .bfloat16: return "BFloat16Storage"
        case .float64: return "DoubleStorage"
        case .int64: return "LongStorage"
        case .int32: return "IntStorage"
        case .int16: return "ShortStorage"
        case .int8: return "CharStorage"
        case .uint8: return "ByteStorage"
        case .bool: return "BoolStorage"
        }
    }

    /// The dtype attribute names in the `torch` module (`torch.float32` is also `torch.float`).
    var torchDTypeNames: [String] {
        switch self {
        case .float32: return ["float32", "float"]
        case .float16: return ["float16", "half"]
        case .bfloat16: return ["bfloat16"]
        case .float64: return ["float64", "double"]
        case .int64: return ["int64", "long"]
        case .int32: return ["int32", "int"]
        case .int16: return ["int16", "short"]
        case .int8: return ["int8"]
        case .uint8: return ["uint8"]
        case .bool: return ["bool"]
        }
    }
}
