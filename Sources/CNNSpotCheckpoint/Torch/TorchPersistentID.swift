/// A parsed persistent id `('storage', storage_type, key, location, numel[, view_metadata])`, the
/// way `torch.serialization` names storages in both the zip and the legacy formats.
struct TorchPersistentID {
    var dtype: TensorDType?
    var key: String
    var numel: Int
    /// Legacy storage views: (root key is `key`; view key, element offset, element count).
    var view: (key: String, offset: Int, count: Int)?

    var elementSize: Int { dtype?.byteSize ?? 1 }

    init(_ pid: PickleValue) throws {
        guard case let .tuple(t) = pid, t.items.count >= 5 else {
            throw CheckpointError.malformedPickle(offset: 0, reason: "persistent id is a \(pid.typeName), not a 5- or 6-tuple")
        }
        let a = t.items
        guard case .string("storage") = a[0] else {
            throw CheckpointError.badCall(callee: "persistent_load", reason: "only 'storage' persistent ids are allowed")
        }
        guard case let .global(.storageType(dtype)) = a[1] else {
            throw CheckpointError.badCall(callee: "persistent_load", reason: "storage type is a \(a[1].typeName), not a torch storage class")
        }
        let key: String
        switch a[2] {
        case let .string(s): key = s
        case let .int(i): key = String(i)
        default: throw CheckpointError.badCall(callee: "persistent_load", reason: "storage key is a \(a[2].typeName)")
        }
        guard case let .int(n) = a[4], n >= 0, n < Int64(1) << 40 else {
            throw CheckpointError.badStorage(key: key, reason: "declared element count is not a valid integer below 2^40")
        }
        self.dtype = dtype
        self.key = key
        self.numel = Int(n)
        if a.count >= 6, case let .tuple(v) = a[5] {
            guard v.items.count == 3, case let .string(viewKey) = v.items[0], case let .int(off) = v.items[1],
                case let .int(cnt) = v.items[2], off >= 0, cnt >= 0, off + cnt <= n
            else {
                throw CheckpointError.badStorage(key: key, reason: "malformed or out-of-range storage view metadata")
            }
            view = (viewKey, Int(off), Int(cnt))
        }
    }

    /// Declared size in bytes (fits: numel < 2^40, element size <= 8).
    var byteCount: Int { numel * elementSize }
}
