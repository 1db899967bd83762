import Foundation

/// Reads PyTorch's zip format (`torch.save` since 1.6): `<name>/data.pkl` holds the pickled
/// object, `<name>/data/<key>` the raw little-endian bytes of each storage (stored records,
/// aligned by padding in the local header's extra field), `<name>/byteorder` and `<name>/version`.
/// The archive folder name varies (`archive`, the file's stem, ...): it is taken from data.pkl.
/// Layout: `torch/serialization.py` (`_save`, `_load`) and `caffe2/serialize/inline_container.cc`.
/// Stored storages stay slices of the (memory-mapped) file.
struct TorchZipReader {
    let zip: ZipDirectory
    let limits: CheckpointLimits

    struct Result {
        var root: CheckpointValue
        var archiveName: String
        var version: String?
    }

    func read() throws -> Result {
        // torch.jit.save archives hold code/ and constants.pkl beside data.pkl, and their pickle
        // names __torch__ classes: say what the file is rather than which global was refused.
        if zip.entries.contains(where: { $0.name.hasSuffix("/constants.pkl") || $0.name.contains("/code/__torch__") }) {
            throw CheckpointError.unknownFormat(
                "this is a TorchScript archive (torch.jit.save), not a state dict: in Python, "
                    + "torch.save(torch.jit.load(path).state_dict(), 'model.pth') makes one")
        }
        guard
            let pickleEntry = zip.entries.first(where: {
                let parts = $0.name.split(separator: "/", omittingEmptySubsequences: false)
                return parts.count == 2 && parts[1] == "data.pkl"
            })
        else { throw CheckpointError.badArchive("no '<name>/data.pkl' record") }
        let prefix = String(pickleEntry.name.dropLast("data.pkl".count))
        if let entry = zip[prefix + "byteorder"] {
            let order = String(decoding: try zip.contents(of: entry, maxBytes: 16), as: UTF8.self)
            guard order == "little" else {
                throw CheckpointError.badArchive("byteorder is '\(order)'; only little-endian checkpoints are supported")
            }
        }
        var version: String?
        if let entry = zip[prefix + "version"] {
            version = String(decoding: try zip.contents(of: entry, maxBytes: 64), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let pickle = try zip.contents(of: pickleEntry, maxBytes: limits.maxPickleBytes)

        var storages: [String: TensorStorage] = [:]
        var budget = limits.maxFileBytes
        let machine = PickleMachine(data: pickle, limits: limits) { pidValue in
            let pid = try TorchPersistentID(pidValue)
            let storage: TensorStorage
            if let cached = storages[pid.key] {
                storage = cached
            } else {
                guard let entry = self.zip[prefix + "data/" + pid.key] else {
                    throw CheckpointError.badStorage(key: pid.key, reason: "record '\(prefix)data/\(pid.key)' is missing")
                }
                guard entry.uncompressedSize == pid.byteCount else {
                    throw CheckpointError.badStorage(
                        key: pid.key,
                        reason:
                            "declares \(pid.numel) elements (\(pid.byteCount) bytes) but its record holds \(entry.uncompressedSize) bytes")
                }
                // Inflated records cost memory: all of them together stay within the file-size limit.
                guard entry.method == 0 || pid.byteCount <= budget else {
                    throw CheckpointError.badStorage(key: pid.key, reason: "\(pid.byteCount) bytes exceed the size limit")
                }
                if entry.method != 0 { budget -= pid.byteCount }
                storage = TensorStorage(
                    key: pid.key, declaredByteCount: pid.byteCount,
                    bytes: try self.zip.contents(of: entry, maxBytes: pid.byteCount))
                storages[pid.key] = storage
            }
            return .storage(StorageView(storage: storage, dtype: pid.dtype ?? .uint8, byteOffset: 0, byteCount: pid.byteCount))
        }
        defer { machine.releaseContainers() }
        let root = try machine.convert(try machine.run())
        return Result(root: root, archiveName: String(prefix.dropLast()), version: version)
    }
}
