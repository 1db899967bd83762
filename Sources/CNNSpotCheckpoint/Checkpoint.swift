import Foundation

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
    /// Files above `limits.maxFileBytes` are refused before reading. The file is memory-mapped:
    /// tensors are slices of the mapping (stored zip records, legacy storages, safetensors data)
    /// until converted, so loading costs little more memory than the values taken out.
    public static func load(path: String, limits: CheckpointLimits = .default) throws -> LoadedCheckpoint {
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            // Only regular files are mapped: a FIFO would block the read forever, a device
            // (/dev/zero) never ends, a folder is not a checkpoint.
            if let type = attributes[.type] as? FileAttributeType, type != .typeRegular {
                let what: String
                switch type {
                case .typeDirectory: what = "a folder"
                case .typeCharacterSpecial: what = "a character device"
                case .typeBlockSpecial: what = "a block device"
                case .typeSocket: what = "a socket"
                default: what = "a FIFO or other special file"
                }
                throw CheckpointError.io(path: path, reason: "is \(what), not a regular file")
            }
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch let e as CheckpointError { throw e } catch {
            throw CheckpointError.io(
                path: path,
                reason: FileManager.default.fileExists(atPath: path)
                    ? "not readable" : "no such file")
        }
        guard size <= limits.maxFileBytes else {
            throw CheckpointError.fileTooLarge(path: path, bytes: size, limit: limits.maxFileBytes)
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw CheckpointError.io(path: path, reason: error.localizedDescription)
        }
        return try load(data: data, limits: limits)
    }

    /// Loads a checkpoint held in memory (same formats and checks as `load(path:)`).
    public static func load(data: Data, limits: CheckpointLimits = .default) throws -> LoadedCheckpoint {
        guard data.count <= limits.maxFileBytes else {
            throw CheckpointError.fileTooLarge(path: "(memory)", bytes: data.count, limit: limits.maxFileBytes)
        }
        if data.isEmpty { throw CheckpointError.unknownFormat("the file is empty (0 bytes)") }
        let head = data.prefix(16)
        if head.starts(with: zipMagic) {
            let result = try TorchZipReader(zip: try ZipDirectory(data: data), limits: limits).read()
            return try LoadedCheckpoint(
                format: .torchZip, root: result.root, archiveName: result.archiveName,
                formatVersion: result.version)
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
        throw CheckpointError.unknownFormat(
            "first bytes \(head.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")) match no zip, legacy torch or safetensors file")
    }

    static let zipMagic = Data([0x50, 0x4b, 0x03, 0x04])
}
