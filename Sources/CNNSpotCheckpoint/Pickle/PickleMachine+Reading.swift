import Foundation

/// Bounds-checked little-endian reads from the pickle bytes. Every length read from the stream
/// is checked against the bytes that remain before anything is allocated.
extension PickleMachine {
    var remaining: Int { end - position }

    func readByte() throws -> UInt8 {
        guard position < end else { throw fail("truncated (no STOP)") }
        defer { position += 1 }
        return data[data.startIndex + position]
    }

    func readBytes(_ n: Int) throws -> Data {
        guard n >= 0, n <= remaining else { throw fail("length \(n) exceeds the \(remaining) bytes left") }
        let start = data.startIndex + position
        position += n
        return data.subdata(in: start..<start + n)
    }

    func readUInt(_ width: Int) throws -> UInt64 {
        guard width <= remaining else { throw fail("truncated \(width)-byte integer") }
        var v: UInt64 = 0
        for i in 0..<width { v |= UInt64(data[data.startIndex + position + i]) << (8 * UInt64(i)) }
        position += width
        return v
    }

    /// A length prefix that must fit in the remaining bytes (checked by the caller's `readBytes`).
    func readLength(_ width: Int) throws -> Int {
        let v = try readUInt(width)
        guard v <= UInt64(Int.max) else { throw fail("length \(v) too large") }
        return Int(v)
    }

    /// A newline-terminated ASCII line (text-protocol opcodes), at most 4096 bytes.
    func readLine() throws -> String {
        var bytes: [UInt8] = []
        while true {
            let b = try readByte()
            if b == 0x0a { break }
            bytes.append(b)
            if bytes.count > 4096 { throw fail("text line longer than 4096 bytes") }
        }
        if bytes.last == 0x0d { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    func readUTF8(_ n: Int) throws -> String {
        let bytes = try readBytes(n)
        guard let s = String(data: bytes, encoding: .utf8) else { throw fail("invalid UTF-8 string") }
        return s
    }

    /// LONG1/LONG4 payload: little-endian two's complement of any width.
    func decodeLong(_ bytes: Data) -> PickleValue {
        if bytes.isEmpty { return .int(0) }
        if bytes.count <= 8 {
            var v: UInt64 = 0
            for (i, b) in bytes.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
            if bytes.count < 8, bytes.last! & 0x80 != 0 { v |= ~UInt64(0) << (8 * UInt64(bytes.count)) }
            return .int(Int64(bitPattern: v))
        }
        return .bigInt(Array(bytes))
    }
}
