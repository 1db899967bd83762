#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File names are bytes on POSIX systems, not necessarily UTF-8 (`caf\xe9.png` written by a
/// Latin-1 tool). Swift strings hold only valid Unicode, so a byte that is not part of a valid
/// UTF-8 sequence is carried in a `String` as the private-use scalar U+F700 + byte (0x80...0xFF
/// -> U+F780...U+F7FF) and mapped back to the byte when the path is handed to the system.
/// The mapping is reversible for every name whose valid UTF-8 parts avoid U+F780...U+F7FF.
///
/// Every file-system call on a user-supplied path goes through `withCPath` so such names open;
/// `display` turns the carried bytes into `\xE9` text for rows and messages (output stays UTF-8).
public enum PathBytes {
    static let escapeBase: UInt32 = 0xF700

    /// The string for raw name bytes (no terminating NUL).
    public static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let b = Array(bytes)
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < b.count {
            if let (scalar, length) = validScalar(b, at: i) {
                scalars.append(scalar)
                i += length
            } else {
                scalars.append(Unicode.Scalar(escapeBase + UInt32(b[i]))!)
                i += 1
            }
        }
        return String(scalars)
    }

    /// The string for a NUL-terminated C name (argv, `readdir`, `realpath`).
    public static func string(cString: UnsafePointer<CChar>) -> String {
        string(UnsafeBufferPointer(start: UnsafeRawPointer(cString).assumingMemoryBound(to: UInt8.self), count: strlen(cString)))
    }

    /// The bytes the system should see for `path`.
    public static func bytes(_ path: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        for s in path.unicodeScalars {
            if s.value >= escapeBase + 0x80 && s.value <= escapeBase + 0xFF {
                out.append(UInt8(s.value - escapeBase))
            } else {
                out.append(contentsOf: String(s).utf8)
            }
        }
        return out
    }

    /// Calls `body` with the NUL-terminated system form of `path`.
    public static func withCPath<R>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        var b = bytes(path)
        b.append(0)
        return try b.withUnsafeBufferPointer { buf in
            try buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { try body($0) }
        }
    }

    /// True when `path` carries bytes that are not UTF-8.
    public static func hasRawBytes(_ path: String) -> Bool {
        path.unicodeScalars.contains { $0.value >= escapeBase + 0x80 && $0.value <= escapeBase + 0xFF }
    }

    /// `path` for people: each carried byte as `\xNN` (as `ls -b` shows it).
    public static func display(_ text: String) -> String {
        guard hasRawBytes(text) else { return text }
        var out = ""
        for s in text.unicodeScalars {
            if s.value >= escapeBase + 0x80 && s.value <= escapeBase + 0xFF {
                let v = Int(s.value - escapeBase)
                out += "\\x" + String(v, radix: 16, uppercase: true)
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }

    /// The scalar encoded at `b[i]` and its length when the bytes there are well-formed UTF-8
    /// (shortest form, no surrogates, at most U+10FFFF), else nil.
    private static func validScalar(_ b: [UInt8], at i: Int) -> (Unicode.Scalar, Int)? {
        let lead = b[i]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length: Int, minimum: UInt32
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; minimum = 0x80; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; value = UInt32(lead & 0x07)
        default: return nil
        }
        guard i + length <= b.count else { return nil }
        for k in 1..<length {
            let c = b[i + k]
            guard c & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(c & 0x3F)
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }
}
