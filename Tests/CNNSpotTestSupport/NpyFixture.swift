import Foundation

/// A fixture `.npy` as the Python scripts write it (v1 or v2 header, little-endian, C order):
/// its dtype, shape and raw data. The test targets that cannot see the library's `NpyArray`
/// (which CNNSpotTests test) read their fixtures with this one reader.
public struct NpyFixture {
    /// NumPy's dtype string, e.g. `<f4` or `|u1`.
    public var descr: String
    public var shape: [Int]
    public var data: Data

    public struct Failure: Error, CustomStringConvertible { public let description: String }

    public static func read(_ url: URL) throws -> NpyFixture {
        let bytes = try Data(contentsOf: url)
        let name = url.lastPathComponent
        guard bytes.count > 10, bytes.prefix(6) == Data([0x93] + Array("NUMPY".utf8)) else {
            throw Failure(description: "\(name): not a .npy file")
        }
        let major = bytes[6]
        func byte(_ i: Int) -> Int { Int(bytes[i]) }
        let headerLength = major == 1 ? byte(8) | byte(9) << 8 : byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24
        let start = major == 1 ? 10 : 12
        guard bytes.count >= start + headerLength else { throw Failure(description: "\(name): truncated header") }
        let header = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
        guard !header.contains("'fortran_order': True") else { throw Failure(description: "\(name): Fortran order") }
        func field(_ key: String) -> String? {
            guard let r = header.range(of: "'\(key)': ") else { return nil }
            return String(header[r.upperBound...])
        }
        let descr = String((field("descr") ?? "").dropFirst().prefix { $0 != "'" })
        let shapeText = (field("shape") ?? "").dropFirst().prefix { $0 != ")" }
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return NpyFixture(descr: descr, shape: shape, data: bytes.subdata(in: (start + headerLength)..<bytes.count))
    }

    /// The data as float32 (`<f4` only).
    public func floats() throws -> [Float] {
        guard descr == "<f4" else { throw Failure(description: "expected <f4, got \(descr)") }
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}
