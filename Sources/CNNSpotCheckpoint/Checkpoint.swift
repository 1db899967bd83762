import Foundation
import ZIPFoundation

/// The file formats `Checkpoint.load` recognises by their first bytes.
public enum CheckpointFormat: String, Sendable {
    /// `torch.save` since PyTorch 1.6: a zip archive (`PK\u{3}\u{4}`).
    case torchZip = "torch-zip"
    /// `torch.save` before 1.6 or with `_use_new_zipfile_serialization=False`.
    case torchLegacy = "torch-legacy"
    /// Our native format.
    case safetensors
}

/// Loading checkpoints without Python and without executing anything.
public enum Checkpoint {
    /// Loads a PyTorch `.pth` (zip or legacy) or a `.safetensors` file, sniffing the format.
    /// Files above `limits.maxFileBytes` are refused before reading; legacy and safetensors files
    /// are memory-mapped, so tensors are slices of the mapping until converted.
    public static func load(path: String, limits: CheckpointLimits = .default) throws -> LoadedCheckpoint {
        let url = URL(fileURLWithPath: path)
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw CheckpointError.io(path: path, reason: "no such file or not readable")
        }
        guard size <= limits.maxFileBytes else {
            throw CheckpointError.fileTooLarge(path: path, bytes: size, limit: limits.maxFileBytes)
        }
        let head: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            head = try handle.read(upToCount: 16) ?? Data()
        } catch {
            throw CheckpointError.io(path: path, reason: error.localizedDescription)
        }
        if head.starts(with: zipMagic) {
            let tail: Data
            do { tail = try ZipEndRecord.tail(ofFile: url, size: size) } catch {
                throw CheckpointError.io(path: path, reason: error.localizedDescription)
            }
            guard ZipEndRecord.isPresent(inTail: tail) else {
                throw CheckpointError.badArchive("'\(path)' has no zip end-of-central-directory record (truncated file?)")
            }
            let archive: Archive
            do { archive = try Archive(url: url, accessMode: .read) } catch {
                throw CheckpointError.badArchive("'\(path)' is not a readable zip archive (\(error))")
            }
            return try loadZip(archive, fileBytes: size, limits: limits)
        }
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw CheckpointError.io(path: path, reason: error.localizedDescription)
        }
        return try load(data: data, limits: limits)
    }

    /// Loads a checkpoint held in memory (same formats and checks as `load(path:)`).
    public static func load(data: Data, limits: CheckpointLimits = .default) throws -> LoadedCheckpoint {
        guard data.count <= limits.maxFileBytes else {
            throw CheckpointError.fileTooLarge(path: "(memory)", bytes: data.count, limit: limits.maxFileBytes)
        }
        let head = data.prefix(16)
        if head.starts(with: zipMagic) {
            // ZIPFoundation's in-memory backend traps on entries that point past the end of the
            // data (found by fuzzing) and leaks on a missing end record; its file backend does
            // neither. So a zip held in memory is read through a private temporary file.
            guard ZipEndRecord.isPresent(inTail: data.suffix(ZipEndRecord.maxTail)) else {
                throw CheckpointError.badArchive("no zip end-of-central-directory record (truncated file?)")
            }
            let temp = FileManager.default.temporaryDirectory
                .appendingPathComponent("cnnspot-checkpoint-\(UUID().uuidString).pth")
            do { try data.write(to: temp) } catch {
                throw CheckpointError.io(path: temp.path, reason: "cannot write a temporary copy: \(error.localizedDescription)")
            }
            defer { try? FileManager.default.removeItem(at: temp) }
            return try load(path: temp.path, limits: limits)
        }
        if TorchLegacyReader.sniff(head) {
            let root = try TorchLegacyReader(data: data, limits: limits).read()
            return try LoadedCheckpoint(format: .torchLegacy, root: root)
        }
        if SafeTensorsReader.sniff(head) {
            let result = try SafeTensorsReader.read(data, limits: limits)
            var dict = CheckpointDict()
            for (key, tensor) in result.tensors { dict.set(.string(key), .tensor(tensor)) }
            return try LoadedCheckpoint(format: .safetensors, root: .dict(dict), metadata: result.metadata)
        }
        if head.first == 0x80 {
            throw CheckpointError.unknownFormat("a pickle without PyTorch's legacy magic number (not a torch.save file)")
        }
        throw CheckpointError.unknownFormat("first bytes \(head.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")) match no zip, legacy torch or safetensors file")
    }

    static let zipMagic = Data([0x50, 0x4b, 0x03, 0x04])

    private static func loadZip(_ archive: Archive, fileBytes: Int, limits: CheckpointLimits) throws -> LoadedCheckpoint {
        let result = try TorchZipReader(archive: archive, fileBytes: fileBytes, limits: limits).read()
        return try LoadedCheckpoint(format: .torchZip, root: result.root, archiveName: result.archiveName,
                                    formatVersion: result.version)
    }
}
