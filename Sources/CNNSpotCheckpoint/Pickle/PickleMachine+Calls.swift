import Foundation

/// REDUCE and BUILD, restricted to the allow-listed callables. Argument layouts follow
/// `torch/_utils.py` (`_rebuild_tensor_v2`, `_rebuild_parameter`, ...).
extension PickleMachine {
    func reduce(_ callable: PickleValue, _ args: PickleValue) throws -> PickleValue {
        guard case let .global(g) = callable else {
            throw CheckpointError.badCall(callee: callable.typeName, reason: "only allow-listed globals can be called")
        }
        guard case let .tuple(argTuple) = args else {
            throw CheckpointError.badCall(callee: g.qualifiedName, reason: "arguments are a \(args.typeName), not a tuple")
        }
        let a = argTuple.items
        switch g {
        case .orderedDict:
            let d = try makeContainer()
            if a.isEmpty { return .dict(d) }
            // OrderedDict(iterable of pairs)
            guard a.count == 1, case let .list(pairs) = a[0] else {
                throw CheckpointError.badCall(callee: g.qualifiedName, reason: "expects no arguments or one list of pairs")
            }
            for p in pairs.items {
                guard case let .tuple(kv) = p, kv.items.count == 2 else {
                    throw CheckpointError.badCall(callee: g.qualifiedName, reason: "item is not a (key, value) pair")
                }
                d.keys.append(kv.items[0])
                d.items.append(kv.items[1])
            }
            return .dict(d)
        case .rebuildTensor, .rebuildTensorV2, .rebuildTensorV3:
            return .tensor(try rebuildTensor(g, a))
        case .rebuildParameter, .rebuildParameterWithState:
            guard let first = a.first, case let .tensor(t) = first else {
                throw CheckpointError.badCall(callee: g.qualifiedName, reason: "first argument is not a tensor")
            }
            return .tensor(t)
        case .torchSize:
            guard a.count == 1, case let .tuple(t) = a[0] else {
                throw CheckpointError.badCall(callee: g.qualifiedName, reason: "expects one tuple")
            }
            return .tuple(t)
        case .storageType, .dtype:
            throw CheckpointError.badCall(callee: g.qualifiedName, reason: "is not callable in a checkpoint")
        }
    }

    /// `(storage, storage_offset, size, stride, ...)`; v3 adds the dtype as argument 6.
    private func rebuildTensor(_ g: AllowedGlobal, _ a: [PickleValue]) throws -> CheckpointTensor {
        let name = g.qualifiedName
        guard a.count >= 4 else { throw CheckpointError.badCall(callee: name, reason: "expects at least 4 arguments, got \(a.count)") }
        guard case let .storage(view) = a[0] else {
            throw CheckpointError.badCall(callee: name, reason: "argument 0 is a \(a[0].typeName), not a storage")
        }
        guard case let .int(offset) = a[1], offset >= 0, offset <= Int64(Int32.max) * 1024 else {
            throw CheckpointError.badCall(callee: name, reason: "storage offset is not a valid integer")
        }
        let size = try intList(a[2], what: "size", callee: name)
        let stride = try intList(a[3], what: "stride", callee: name)
        guard size.count == stride.count, size.count <= 64 else {
            throw CheckpointError.badCall(callee: name, reason: "size \(size) and stride \(stride) differ in rank (or rank > 64)")
        }
        var dtype = view.dtype
        if g == .rebuildTensorV3 {
            guard a.count >= 7, case let .global(.dtype(d)) = a[6] else {
                throw CheckpointError.badCall(callee: name, reason: "argument 6 is not a torch dtype")
            }
            dtype = d
        }
        return CheckpointTensor(
            dtype: dtype, shape: size, strides: stride, storageOffset: Int(offset),
            storage: view.storage, storageByteOffset: view.byteOffset)
    }

    private func intList(_ v: PickleValue, what: String, callee: String) throws -> [Int] {
        let items: [PickleValue]
        switch v {
        case let .tuple(c), let .list(c): items = c.items
        case let .int(i): items = [.int(i)]
        default: throw CheckpointError.badCall(callee: callee, reason: "\(what) is a \(v.typeName), not a tuple")
        }
        return try items.map {
            guard case let .int(i) = $0, i >= 0, i <= Int64(Int32.max) * 1024 else {
                throw CheckpointError.badCall(callee: callee, reason: "\(what) holds a value that is not a non-negative integer")
            }
            return Int(i)
        }
    }

    /// BUILD sets an object's state. Allowed only where it is inert: an OrderedDict's attributes
    /// (`state_dict()._metadata`, the module versions) and a parameter's Python attributes.
    /// The state is dropped.
    func build(_ target: PickleValue, state: PickleValue) throws {
        switch target {
        case .dict, .tensor: return
        default:
            throw CheckpointError.badCall(callee: "BUILD", reason: "setting the state of a \(target.typeName) is not allowed")
        }
    }
}
