import Foundation

/// A zip archive's table of contents, parsed from bytes (usually a memory-mapped file) with every
/// offset and size checked against the data before use (PKWARE APPNOTE 4.3: end-of-central-
/// directory record, ZIP64 locator and record, central directory headers with the ZIP64 extra
/// field, local headers). Stored records are returned as slices of the data (no copy); deflated
/// ones are inflated with a size cap (see `ZipDirectory+Contents.swift`).
///
/// Written here rather than taken from ZIPFoundation's `Archive` because fuzzing showed that
/// `Archive` traps on forged ZIP64 offsets and its in-memory backend reads past buffers.
struct ZipDirectory {
    struct Entry {
        var name: String
        var method: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var dataOffset: Int
    }

    let data: Data
    private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]

    subscript(name: String) -> Entry? { index[name].map { entries[$0] } }

    init(data: Data) throws {
        self.data = data
        let bytes = ByteReader(data)
        guard let eocd = ZipDirectory.findEndRecord(bytes) else {
            throw CheckpointError.badArchive("no zip end-of-central-directory record (truncated file?)")
        }
        var count = Int(try bytes.u16(eocd + 10))
        var directorySize = Int(try bytes.u32(eocd + 12))
        var directoryOffset = Int(try bytes.u32(eocd + 16))
        if count == 0xffff || directorySize == 0xffff_ffff || directoryOffset == 0xffff_ffff {
            // ZIP64: the locator sits just before the end record and points at the ZIP64 record.
            guard eocd >= 20, try bytes.u32(eocd - 20) == 0x0706_4b50 else {
                throw CheckpointError.badArchive("ZIP64 sizes without a ZIP64 locator")
            }
            let record = try bytes.offset(try bytes.u64(eocd - 12), "ZIP64 record offset")
            guard try bytes.u32(record) == 0x0606_4b50 else { throw CheckpointError.badArchive("bad ZIP64 end record") }
            count = try bytes.offset(try bytes.u64(record + 32), "entry count")
            directorySize = try bytes.offset(try bytes.u64(record + 40), "central directory size")
            directoryOffset = try bytes.offset(try bytes.u64(record + 48), "central directory offset")
        }
        guard directoryOffset <= data.count, directorySize <= data.count - directoryOffset,
            count <= directorySize / 46
        else {
            throw CheckpointError.badArchive("central directory (\(count) entries, \(directorySize) bytes at \(directoryOffset)) exceeds the file")
        }
        var p = directoryOffset
        for _ in 0..<count {
            let entry = try ZipDirectory.readEntry(bytes, at: &p, end: directoryOffset + directorySize)
            // Two records of one name would make "which one is read" depend on the reader
            // (first wins here, the last in some others): refuse rather than guess.
            guard index[entry.name] == nil else {
                throw CheckpointError.badArchive("record '\(entry.name)' appears twice")
            }
            index[entry.name] = entries.count
            entries.append(entry)
        }
    }

    /// The last end record signature whose fixed part and comment fit in the file (a comment
    /// is at most 65535 bytes, so only the tail is searched).
    private static func findEndRecord(_ bytes: ByteReader) -> Int? {
        let n = bytes.count
        guard n >= 22 else { return nil }
        var p = n - 22
        let lowest = max(0, n - 22 - 65535)
        while p >= lowest {
            if (try? bytes.u32(p)) == 0x0605_4b50, let comment = try? bytes.u16(p + 20), p + 22 + Int(comment) <= n {
                return p
            }
            p -= 1
        }
        return nil
    }

    private static func readEntry(_ bytes: ByteReader, at p: inout Int, end: Int) throws -> Entry {
        guard p + 46 <= end, try bytes.u32(p) == 0x0201_4b50 else {
            throw CheckpointError.badArchive("bad central directory header at byte \(p)")
        }
        let flags = try bytes.u16(p + 8)
        let method = try bytes.u16(p + 10)
        let crc = try bytes.u32(p + 16)
        var compressed = UInt64(try bytes.u32(p + 20))
        var uncompressed = UInt64(try bytes.u32(p + 24))
        let nameLength = Int(try bytes.u16(p + 28)), extraLength = Int(try bytes.u16(p + 30))
        let commentLength = Int(try bytes.u16(p + 32))
        var localOffset = UInt64(try bytes.u32(p + 42))
        let next = p + 46 + nameLength + extraLength + commentLength
        guard next <= end else { throw CheckpointError.badArchive("central directory header at byte \(p) runs past the directory") }
        let name = String(decoding: try bytes.slice(p + 46, nameLength), as: UTF8.self)
        guard flags & 1 == 0 else { throw CheckpointError.badArchive("record '\(name)' is encrypted") }
        // ZIP64 extra field (id 1): 8-byte values for exactly the fields that are 0xffffffff.
        var e = p + 46 + nameLength
        let extraEnd = e + extraLength
        while e + 4 <= extraEnd {
            let id = try bytes.u16(e), size = Int(try bytes.u16(e + 2))
            guard e + 4 + size <= extraEnd else { break }
            if id == 1 {
                var q = e + 4
                func take(_ v: inout UInt64) throws {
                    guard v == 0xffff_ffff else { return }
                    guard q + 8 <= e + 4 + size else { throw CheckpointError.badArchive("short ZIP64 extra field for '\(name)'") }
                    v = try bytes.u64(q)
                    q += 8
                }
                try take(&uncompressed)
                try take(&compressed)
                try take(&localOffset)
            }
            e += 4 + size
        }
        let local = try bytes.offset(localOffset, "local header offset of '\(name)'")
        guard local <= bytes.count - 30, try bytes.u32(local) == 0x0403_4b50 else {
            throw CheckpointError.badArchive("record '\(name)' has no local header at byte \(local)")
        }
        // The local header's own name and extra lengths (torch pads the extra field for alignment).
        let dataOffset = local + 30 + Int(try bytes.u16(local + 26)) + Int(try bytes.u16(local + 28))
        let csize = try bytes.offset(compressed, "compressed size of '\(name)'")
        let usize = try bytes.offset(uncompressed, "size of '\(name)'")
        guard dataOffset <= bytes.count, csize <= bytes.count - dataOffset else {
            throw CheckpointError.badArchive("record '\(name)' (\(csize) bytes at \(dataOffset)) runs past the end of the file")
        }
        p = next
        return Entry(name: name, method: method, crc32: crc, compressedSize: csize, uncompressedSize: usize, dataOffset: dataOffset)
    }
}

/// Bounds-checked little-endian reads from `Data` at offsets relative to its start.
struct ByteReader {
    let data: Data
    init(_ data: Data) { self.data = data }
    var count: Int { data.count }

    func slice(_ at: Int, _ n: Int) throws -> Data {
        guard at >= 0, n >= 0, at <= count, n <= count - at else {
            throw CheckpointError.badArchive("read of \(n) bytes at \(at) past the end of the file (\(count) bytes)")
        }
        return data[data.startIndex + at..<data.startIndex + at + n]
    }

    private func uint(_ at: Int, _ width: Int) throws -> UInt64 {
        let s = try slice(at, width)
        var v: UInt64 = 0
        for (i, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }

    func u16(_ at: Int) throws -> UInt16 { UInt16(try uint(at, 2)) }
    func u32(_ at: Int) throws -> UInt32 { UInt32(try uint(at, 4)) }
    func u64(_ at: Int) throws -> UInt64 { try uint(at, 8) }

    /// A 64-bit size or offset from the file, which must lie within the file.
    func offset(_ v: UInt64, _ what: String) throws -> Int {
        guard v <= UInt64(count) else { throw CheckpointError.badArchive("\(what) \(v) is beyond the file (\(count) bytes)") }
        return Int(v)
    }
}
