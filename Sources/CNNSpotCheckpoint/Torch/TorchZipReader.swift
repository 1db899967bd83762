import Foundation
import ZIPFoundation

/// Reads PyTorch's zip format (`torch.save` since 1.6): `<name>/data.pkl` holds the pickled
/// object, `<name>/data/<key>` the raw little-endian bytes of each storage (stored entries,
/// aligned by padding in the local header's extra field), `<name>/byteorder` and `<name>/version`.
/// The archive folder name varies (`archive`, the file's stem, ...): it is taken from data.pkl.
/// Layout: `torch/serialization.py` (`_save`, `_load`) and `caffe2/serialize/inline_container.cc`.
struct TorchZipReader {
    let archive: Archive
    let fileBytes: Int
    let limits: CheckpointLimits

    struct Result {
        var root: CheckpointValue
        var archiveName: String
        var version: String?
    }

    func read() throws -> Result {
        var pickleEntry: Entry?
        for entry in archive {
            let parts = entry.path.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 2, parts[1] == "data.pkl" { pickleEntry = entry; break }
        }
        guard let pickleEntry else { throw CheckpointError.badArchive("no '<name>/data.pkl' record") }
        let prefix = String(pickleEntry.path.dropLast("data.pkl".count))
        if let entry = archive[prefix + "byteorder"] {
            let order = String(decoding: try extract(entry, maxBytes: 16), as: UTF8.self)
            guard order == "little" else {
                throw CheckpointError.badArchive("byteorder is '\(order)'; only little-endian checkpoints are supported")
            }
        }
        var version: String?
        if let entry = archive[prefix + "version"] {
            version = String(decoding: try extract(entry, maxBytes: 64), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let pickle = try extract(pickleEntry, maxBytes: limits.maxPickleBytes)

        var storages: [String: TensorStorage] = [:]
        var budget = limits.maxFileBytes
        let machine = PickleMachine(data: pickle, limits: limits) { pidValue in
            let pid = try TorchPersistentID(pidValue)
            let storage: TensorStorage
            if let cached = storages[pid.key] {
                storage = cached
            } else {
                guard let entry = self.archive[prefix + "data/" + pid.key] else {
                    throw CheckpointError.badStorage(key: pid.key, reason: "record '\(prefix)data/\(pid.key)' is missing")
                }
                guard entry.uncompressedSize == UInt64(pid.byteCount) else {
                    throw CheckpointError.badStorage(key: pid.key, reason:
                        "declares \(pid.numel) elements (\(pid.byteCount) bytes) but its record holds \(entry.uncompressedSize) bytes")
                }
                guard pid.byteCount <= budget, entry.isCompressed || pid.byteCount <= self.fileBytes else {
                    throw CheckpointError.badStorage(key: pid.key, reason: "\(pid.byteCount) bytes do not fit in the file or the size limit")
                }
                budget -= pid.byteCount
                storage = TensorStorage(key: pid.key, declaredByteCount: pid.byteCount,
                                        bytes: try self.extract(entry, maxBytes: pid.byteCount))
                storages[pid.key] = storage
            }
            return .storage(StorageView(storage: storage, dtype: pid.dtype ?? .uint8, byteOffset: 0, byteCount: pid.byteCount))
        }
        defer { machine.releaseContainers() }
        let root = try machine.convert(try machine.run())
        return Result(root: root, archiveName: String(prefix.dropLast()), version: version)
    }

    /// The entry's bytes, checked against its declared size, `maxBytes`, and its CRC-32.
    func extract(_ entry: Entry, maxBytes: Int) throws -> Data {
        let declared = entry.uncompressedSize
        guard entry.type == .file, declared <= UInt64(maxBytes) else {
            throw CheckpointError.badArchive("record '\(entry.path)' is not a file of at most \(maxBytes) bytes")
        }
        var out = Data()
        // Reserve only what a stored (uncompressed) record can really hold: its bytes are in the file.
        if !entry.isCompressed, declared <= UInt64(fileBytes) { out.reserveCapacity(Int(declared)) }
        let crc: CRC32
        do {
            crc = try archive.extract(entry, skipCRC32: false) { chunk in
                guard out.count + chunk.count <= Int(declared) else {
                    throw CheckpointError.badArchive("record '\(entry.path)' holds more than its declared \(declared) bytes")
                }
                out.append(chunk)
            }
        } catch let e as CheckpointError {
            throw e
        } catch {
            throw CheckpointError.badArchive("record '\(entry.path)' cannot be read: \(error)")
        }
        guard out.count == Int(declared) else {
            throw CheckpointError.badArchive("record '\(entry.path)' is truncated: \(out.count) of \(declared) bytes")
        }
        guard crc == entry.checksum else {
            throw CheckpointError.badArchive("record '\(entry.path)' fails its CRC-32 check")
        }
        return out
    }
}
