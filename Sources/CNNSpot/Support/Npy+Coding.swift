import Foundation

extension NpyArray {
    /// The `.npy` bytes, byte-identical to `numpy.save` (numpy 2.x, version 1.0 header).
    public func encoded() -> [UInt8] {
        let dims = shape.map(String.init)
        let shapeText = dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
        var header = "{'descr': '\(values.descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        // numpy pads so that magic(6) + version(2) + length(2) + header is a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let len = UInt16(header.utf8.count)
        out += [UInt8(len & 0xff), UInt8(len >> 8)]
        out += Array(header.utf8)
        switch values {
        case .uint8(let v): out += v
        case .float32(let v):
            out.reserveCapacity(out.count + 4 * v.count)
            for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { out += $0 } }
        case .float64(let v):
            out.reserveCapacity(out.count + 8 * v.count)
            for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { out += $0 } }
        }
        return out
    }

    /// Writes `encoded()` to `url` atomically.
    public func write(to url: URL) throws {
        try Data(encoded()).write(to: url, options: .atomic)
    }

    /// Largest file `read(from:)` accepts by default (1 GiB).
    public static let defaultMaxBytes = 1 << 30

    public static func read(from url: URL, maxBytes: Int = defaultMaxBytes) throws -> NpyArray {
        let attrs = try FileManager.default.attributesOfItem(atPath: url.path)
        if let size = attrs[.size] as? Int, size > maxBytes {
            throw NpyError.tooLarge("\(url.path) is \(size) bytes, limit \(maxBytes)")
        }
        do {
            return try NpyArray(decoding: [UInt8](try Data(contentsOf: url)))
        } catch let e as NpyError {
            throw e.naming(url.path)
        }
    }

    /// Parses `.npy` bytes. Only little-endian f4/f8/u1 in C order are accepted.
    public init(decoding bytes: [UInt8]) throws {
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw NpyError.malformed("missing \\x93NUMPY magic")
        }
        let major = bytes[6]
        var headerLength: Int, offset: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            offset = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw NpyError.malformed("truncated header length") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            offset = 12
        default:
            throw NpyError.unsupported("format version \(major).\(bytes[7])")
        }
        guard headerLength <= 1 << 20, offset + headerLength <= bytes.count else {
            throw NpyError.malformed("header length \(headerLength) exceeds the file")
        }
        guard let header = String(bytes: bytes[offset..<offset + headerLength], encoding: .utf8) else {
            throw NpyError.malformed("header is not text")
        }
        let dict = try NpyHeader(parsing: header)
        guard !dict.fortranOrder else { throw NpyError.unsupported("fortran_order True (only C order)") }
        let n = try NpyArray.elementCount(dict.shape)
        let data = bytes[(offset + headerLength)...]
        func need(_ width: Int) throws {
            let (total, o) = n.multipliedReportingOverflow(by: width)
            guard !o, total == data.count else {
                throw NpyError.malformed("shape \(dict.shape) of \(dict.descr) needs \(n * width) data bytes, found \(data.count)")
            }
        }
        switch dict.descr {
        case "|u1", "<u1", "u1":
            try need(1)
            try self.init(shape: dict.shape, values: .uint8(Array(data)))
        case "<f4":
            try need(4)
            let v = stride(from: data.startIndex, to: data.endIndex, by: 4).map { i -> Float in
                Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[i + $1]) << (8 * UInt32($1)) })
            }
            try self.init(shape: dict.shape, values: .float32(v))
        case "<f8":
            try need(8)
            let v = stride(from: data.startIndex, to: data.endIndex, by: 8).map { i -> Double in
                Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(data[i + $1]) << (8 * UInt64($1)) })
            }
            try self.init(shape: dict.shape, values: .float64(v))
        default:
            throw NpyError.unsupported("dtype '\(dict.descr)' (only <f4, <f8, |u1)")
        }
    }
}

/// The Python dict literal of an `.npy` header, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
struct NpyHeader {
    var descr = ""
    var fortranOrder = false
    var shape: [Int] = []

    init(parsing text: String) throws {
        func value(of key: String) throws -> Substring {
            guard let r = text.range(of: "'\(key)':") else { throw NpyError.malformed("header has no '\(key)'") }
            return text[r.upperBound...].drop { $0 == " " }
        }
        let d = try value(of: "descr")
        guard d.first == "'", let end = d.dropFirst().firstIndex(of: "'") else {
            throw NpyError.malformed("descr is not a string")
        }
        descr = String(d[d.index(after: d.startIndex)..<end])
        let f = try value(of: "fortran_order")
        if f.hasPrefix("True") {
            fortranOrder = true
        } else if !f.hasPrefix("False") {
            throw NpyError.malformed("fortran_order is neither True nor False")
        }
        let s = try value(of: "shape")
        guard s.first == "(", let close = s.firstIndex(of: ")") else { throw NpyError.malformed("shape is not a tuple") }
        let inner = s[s.index(after: s.startIndex)..<close]
        for part in inner.split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let v = Int(t), v >= 0 else { throw NpyError.malformed("shape entry '\(t)'") }
            shape.append(v)
        }
        guard shape.count <= 32 else { throw NpyError.malformed("\(shape.count) dimensions") }
    }
}
