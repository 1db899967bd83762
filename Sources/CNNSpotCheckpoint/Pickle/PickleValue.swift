import Foundation

/// A value on the pickle machine's stack. Containers are reference types because pickle mutates
/// them after they are memoised (APPENDS, SETITEMS, BUILD act on shared objects).
/// Only inert data and allow-listed callables exist here: there is no way to represent an
/// arbitrary Python object, so nothing can be executed.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int64)
    /// An integer wider than 64 bits, little-endian two's complement (LONG1/LONG4), e.g. torch's magic.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes(Data)
    case tuple(PickleContainer)
    case list(PickleContainer)
    case dict(PickleContainer)
    /// An allow-listed global (`collections.OrderedDict`, `torch._utils._rebuild_tensor_v2`, ...).
    case global(AllowedGlobal)
    /// A storage view produced by the persistent-load hook.
    case storage(StorageView)
    case tensor(CheckpointTensor)

    var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case let .global(g): return g.qualifiedName
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }
}

/// Items of a tuple/list/set (`items`) or a dict (`keys`/`items` in insertion order).
/// Every container is registered with its machine so the machine can break reference chains
/// and cycles afterwards (see `PickleMachine.releaseContainers`): deinit never recurses deeply.
final class PickleContainer {
    var items: [PickleValue] = []
    var keys: [PickleValue] = []

    init(items: [PickleValue] = []) { self.items = items }
}

/// A byte range of a storage, as the persistent-load hook returns it. Legacy files may name a
/// view (root key, element offset, size) of a larger storage.
struct StorageView {
    var storage: TensorStorage
    var dtype: TensorDType
    var byteOffset: Int
    var byteCount: Int
}
