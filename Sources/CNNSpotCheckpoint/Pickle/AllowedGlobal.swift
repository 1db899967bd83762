/// The fixed allow-list of globals a checkpoint pickle may name. Anything else (`os.system`,
/// `builtins.eval`, `subprocess.Popen`, arbitrary classes) is refused when the GLOBAL opcode is
/// read, before any call could be attempted.
enum AllowedGlobal: Equatable {
    case orderedDict
    /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`.
    case rebuildTensorV2
    /// `torch._utils._rebuild_tensor(storage, offset, size, stride)` (PyTorch < 1.0).
    case rebuildTensor
    /// `torch._utils._rebuild_tensor_v3(storage, offset, size, stride, requires_grad, hooks, dtype[, metadata])`.
    case rebuildTensorV3
    /// `torch._utils._rebuild_parameter(data, requires_grad, hooks)`.
    case rebuildParameter
    /// `torch._utils._rebuild_parameter_with_state(data, requires_grad, hooks, state)`.
    case rebuildParameterWithState
    /// A storage class (`torch.FloatStorage`, `torch.cuda.FloatStorage`, ...); `nil` dtype for
    /// `torch.UntypedStorage` (bytes).
    case storageType(TensorDType?)
    /// A dtype object (`torch.float32`, ...).
    case dtype(TensorDType)
    /// `torch.Size(tuple)`.
    case torchSize

    var qualifiedName: String {
        switch self {
        case .orderedDict: return "collections.OrderedDict"
        case .rebuildTensorV2: return "torch._utils._rebuild_tensor_v2"
        case .rebuildTensor: return "torch._utils._rebuild_tensor"
        case .rebuildTensorV3: return "torch._utils._rebuild_tensor_v3"
        case .rebuildParameter: return "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: return "torch._utils._rebuild_parameter_with_state"
        case let .storageType(d): return "torch.\(d?.torchStorageName ?? "UntypedStorage")"
        case let .dtype(d): return "torch.\(d.rawValue)"
        case .torchSize: return "torch.Size"
        }
    }

    /// Resolves `module.name` against the allow-list, or throws `forbiddenGlobal`.
    static func resolve(module: String, name: String) throws -> AllowedGlobal {
        switch (module, name) {
        case ("collections", "OrderedDict"): return .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): return .rebuildTensorV2
        case ("torch._utils", "_rebuild_tensor"): return .rebuildTensor
        case ("torch._utils", "_rebuild_tensor_v3"): return .rebuildTensorV3
        case ("torch._utils", "_rebuild_parameter"): return .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): return .rebuildParameterWithState
        case ("torch", "Size"): return .torchSize
        case ("torch", "UntypedStorage"), ("torch.storage", "UntypedStorage"): return .storageType(nil)
        case ("torch.cuda", _):
            // GPU-saved files (older torch, e.g. models trained on CUDA) tag storages with the
            // CUDA class; it only names the dtype here, the bytes are read to the CPU.
            if let d = TensorDType.allCases.first(where: { $0.torchStorageName == name }) { return .storageType(d) }
        case ("torch", _):
            if let d = TensorDType.allCases.first(where: { $0.torchStorageName == name }) { return .storageType(d) }
            if let d = TensorDType.allCases.first(where: { $0.torchDTypeNames.contains(name) }) { return .dtype(d) }
        default: break
        }
        throw CheckpointError.forbiddenGlobal("\(module).\(name)")
    }
}
