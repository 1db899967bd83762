import Foundation

/// Finds a zip's end-of-central-directory record in the file's last 64 KiB + 22 bytes (APPNOTE
/// 4.3.16: 22-byte record plus a comment of at most 65535 bytes) before ZIPFoundation opens the
/// archive. Without one, ZIPFoundation would scan the whole file a byte at a time, and its
/// in-memory reader leaks its backing file on that error; a truncated download fails fast here.
enum ZipEndRecord {
    static let maxTail = 22 + 65535

    /// `tail` = the last `min(fileSize, maxTail)` bytes of the file.
    static func isPresent(inTail tail: Data) -> Bool {
        let bytes = [UInt8](tail)
        guard bytes.count >= 22 else { return false }
        var p = bytes.count - 22
        while p >= 0 {
            if bytes[p] == 0x50, bytes[p + 1] == 0x4b, bytes[p + 2] == 0x05, bytes[p + 3] == 0x06 {
                let commentLength = Int(bytes[p + 20]) | Int(bytes[p + 21]) << 8
                if p + 22 + commentLength <= bytes.count { return true }
            }
            p -= 1
        }
        return false
    }

    static func tail(ofFile url: URL, size: Int) throws -> Data {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(max(0, size - maxTail)))
        return try handle.readToEnd() ?? Data()
    }
}
