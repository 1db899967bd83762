import Foundation

/// Reads PyTorch's legacy (pre-1.6, or `_use_new_zipfile_serialization=False`) format: five
/// pickles in a row (magic number 0x1950a86a20f9469cfc6c, protocol version 1001, sys_info dict,
/// the object with persistent ids naming storages, the list of storage keys), then for each key in
/// that list an 8-byte little-endian element count followed by the storage's raw bytes.
/// Layout: `torch/serialization.py` (`_legacy_save`, `_legacy_load`).
/// Storages are slices of `data` (no copy when `data` is memory-mapped).
struct TorchLegacyReader {
    let data: Data
    let limits: CheckpointLimits

    /// Little-endian bytes of the magic number, as pickled by LONG1.
    static let magic: [UInt8] = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]

    /// True if `prefix` starts like a legacy file: PROTO 2, LONG1 of 10 bytes, then the magic.
    static func sniff(_ prefix: Data) -> Bool {
        let head: [UInt8] = [0x80, 0x02, 0x8a, 0x0a] + magic
        return prefix.count >= head.count && Array(prefix.prefix(head.count)) == head
    }

    func read() throws -> CheckpointValue {
        var offset = 0
        func runPickle(
            _ hook: @escaping PickleMachine.PersistentLoad = { _ in
                throw CheckpointError.badLegacyFormat("persistent id outside the object pickle")
            }
        ) throws -> (PickleMachine, PickleValue) {
            let m = PickleMachine(data: data, offset: offset, limits: limits, persistentLoad: hook)
            let v = try m.run()
            offset = m.position
            return (m, v)
        }
        let (_, magicValue) = try runPickle()
        guard case let .bigInt(bytes) = magicValue, bytes == TorchLegacyReader.magic else {
            throw CheckpointError.badLegacyFormat("wrong magic number")
        }
        let (_, protocolValue) = try runPickle()
        guard case .int(1001) = protocolValue else {
            throw CheckpointError.badLegacyFormat("protocol version is not 1001")
        }
        let (infoMachine, infoValue) = try runPickle()
        if case let .dict(info)? = try? infoMachine.convert(infoValue),
            case let .bool(little)? = info["little_endian"], !little
        {
            throw CheckpointError.badLegacyFormat("big-endian files are not supported")
        }
        infoMachine.releaseContainers()

        var storages: [String: TensorStorage] = [:]
        var dtypes: [String: TensorDType?] = [:]
        let (objectMachine, objectValue) = try runPickle { pidValue in
            let pid = try TorchPersistentID(pidValue)
            guard pid.byteCount <= self.data.count else {
                throw CheckpointError.badStorage(
                    key: pid.key,
                    reason:
                        "declares \(pid.numel) elements (\(pid.byteCount) bytes), more than the whole file (\(self.data.count) bytes)")
            }
            let storage: TensorStorage
            if let s = storages[pid.key] {
                guard s.declaredByteCount == pid.byteCount else {
                    throw CheckpointError.badStorage(key: pid.key, reason: "declared with two different sizes")
                }
                storage = s
            } else {
                storage = TensorStorage(key: pid.key, declaredByteCount: pid.byteCount)
                storages[pid.key] = storage
                dtypes[pid.key] = pid.dtype
            }
            var view = StorageView(storage: storage, dtype: pid.dtype ?? .uint8, byteOffset: 0, byteCount: pid.byteCount)
            if let v = pid.view {
                view.byteOffset = v.offset * pid.elementSize
                view.byteCount = v.count * pid.elementSize
            }
            return .storage(view)
        }
        defer { objectMachine.releaseContainers() }
        let root = try objectMachine.convert(objectValue)

        let (keysMachine, keysValue) = try runPickle()
        guard case let .list(keyList)? = try? keysMachine.convert(keysValue) else {
            throw CheckpointError.badLegacyFormat("the storage key list is missing or not a list")
        }
        keysMachine.releaseContainers()
        for keyValue in keyList {
            guard case let .string(key) = keyValue, let storage = storages[key] else {
                throw CheckpointError.badLegacyFormat("storage key list names an unknown storage")
            }
            guard data.count - offset >= 8 else {
                throw CheckpointError.badStorage(key: key, reason: "truncated: the file ends before its element count")
            }
            var count: UInt64 = 0
            for i in 0..<8 { count |= UInt64(data[data.startIndex + offset + i]) << (8 * UInt64(i)) }
            offset += 8
            let elementSize = (dtypes[key] ?? nil)?.byteSize ?? 1
            guard count == UInt64(storage.declaredByteCount / elementSize) else {
                throw CheckpointError.badStorage(
                    key: key,
                    reason:
                        "file holds \(count) elements but the pickle declared \(storage.declaredByteCount / elementSize)")
            }
            let n = storage.declaredByteCount
            guard n <= data.count - offset else {
                throw CheckpointError.badStorage(key: key, reason: "truncated: \(n) bytes declared, \(data.count - offset) left")
            }
            let start = data.startIndex + offset
            storage.bytes = data[start..<start + n]
            offset += n
        }
        return root
    }
}
