import Foundation
import ZIPFoundation

extension ZipDirectory {
    /// A record's bytes: stored records are a slice of the archive data, deflated ones are
    /// inflated (ZIPFoundation's raw-deflate decoder) up to the declared size. Both are checked
    /// against the declared size, `maxBytes` and the CRC-32.
    func contents(of entry: Entry, maxBytes: Int) throws -> Data {
        guard entry.uncompressedSize <= maxBytes else {
            throw CheckpointError.badArchive("record '\(entry.name)' declares \(entry.uncompressedSize) bytes, above the limit of \(maxBytes)")
        }
        let raw = data[data.startIndex + entry.dataOffset..<data.startIndex + entry.dataOffset + entry.compressedSize]
        let out: Data
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw CheckpointError.badArchive("stored record '\(entry.name)' has different compressed and plain sizes")
            }
            out = raw
        case 8:
            out = try inflate(raw, entry: entry)
        default:
            throw CheckpointError.badArchive("record '\(entry.name)' uses compression method \(entry.method) (only stored and deflate)")
        }
        guard out.crc32(checksum: 0) == entry.crc32 else {
            throw CheckpointError.badArchive("record '\(entry.name)' fails its CRC-32 check")
        }
        return out
    }

    private func inflate(_ raw: Data, entry: Entry) throws -> Data {
        let chunk = 1 << 16
        var out = Data()
        do {
            _ = try Data.decompress(
                size: Int64(raw.count), bufferSize: chunk, skipCRC32: true,
                provider: { position, size in
                    // The decoder hands zlib `size` bytes whatever it gets, so always return exactly
                    // `size` bytes (zero padding past the end) and stop a stream that never ends.
                    let start = Int(position)
                    guard start <= raw.count + chunk else {
                        throw CheckpointError.badArchive("deflate stream of '\(entry.name)' does not end inside its record")
                    }
                    var piece =
                        start < raw.count
                        ? Data(raw[raw.startIndex + start..<raw.startIndex + min(raw.count, start + size)]) : Data()
                    if piece.count < size { piece.append(Data(count: size - piece.count)) }
                    return piece
                },
                consumer: { bytes in
                    guard out.count + bytes.count <= entry.uncompressedSize else {
                        throw CheckpointError.badArchive("record '\(entry.name)' inflates to more than its declared \(entry.uncompressedSize) bytes")
                    }
                    out.append(bytes)
                })
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw CheckpointError.badArchive("record '\(entry.name)' is not a valid deflate stream")
        }
        guard out.count == entry.uncompressedSize else {
            throw CheckpointError.badArchive("record '\(entry.name)' inflates to \(out.count) of \(entry.uncompressedSize) bytes")
        }
        return out
    }
}
