import CNNSpotTestSupport
import CNNSpotImage
import Crypto
import Foundation
import XCTest

/// Loads Fixtures/ops (written by scripts/fixtures/make_ops_fixtures.py): .npy arrays and
/// manifest.json.
enum OpsFixtures {
    static let root = Repository.root
    static let dir = root.appendingPathComponent("Fixtures/ops")

    static func manifest(_ section: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: dir.appendingPathComponent("manifest.json"))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(json[section] as? [[String: Any]], "manifest has no section \(section)")
    }

    struct NPY {
        var descr: String
        var shape: [Int]
        var data: Data
    }

    /// Minimal .npy v1/v2 reader (little-endian, C order only).
    static func npy(_ name: String) throws -> NPY {
        let bytes = try Data(contentsOf: dir.appendingPathComponent(name))
        guard bytes.count > 10, bytes.prefix(6) == Data([0x93] + Array("NUMPY".utf8)) else {
            throw ImageOpError("npy", "\(name): not a .npy file")
        }
        let major = bytes[6]
        let headerLen = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let start = major == 1 ? 10 : 12
        let header = String(decoding: bytes[start..<(start + headerLen)], as: UTF8.self)
        guard !header.contains("'fortran_order': True") else { throw ImageOpError("npy", "\(name): Fortran order") }
        func field(_ key: String) -> String? {
            guard let r = header.range(of: "'\(key)': ") else { return nil }
            return String(header[r.upperBound...])
        }
        let descr = String((field("descr") ?? "").dropFirst().prefix { $0 != "'" })
        let shapeText = (field("shape") ?? "").dropFirst().prefix { $0 != ")" }
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return NPY(descr: descr, shape: shape, data: bytes.subdata(in: (start + headerLen)..<bytes.count))
    }

    static func image(_ name: String) throws -> RGBImage {
        let a = try npy(name)
        guard a.descr == "|u1", a.shape.count == 3, a.shape[2] == 3 else {
            throw ImageOpError("npy", "\(name): expected uint8 HxWx3, got \(a.descr) \(a.shape)")
        }
        return RGBImage(width: a.shape[1], height: a.shape[0], pixels: [UInt8](a.data))
    }

    static func floats(_ name: String) throws -> (shape: [Int], values: [Float]) {
        let a = try npy(name)
        guard a.descr == "<f4" else { throw ImageOpError("npy", "\(name): expected <f4, got \(a.descr)") }
        let values = a.data.withUnsafeBytes { raw in
            (0..<(a.data.count / 4)).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
        }
        return (a.shape, values)
    }

    static func bytes(_ name: String) throws -> (shape: [Int], values: [UInt8]) {
        let a = try npy(name)
        guard a.descr == "|u1" else { throw ImageOpError("npy", "\(name): expected |u1, got \(a.descr)") }
        return (a.shape, [UInt8](a.data))
    }
}

/// Largest absolute difference and number of differing bytes.
func byteDiff(_ a: [UInt8], _ b: [UInt8]) -> (maxDiff: Int, count: Int) {
    var m = 0, n = 0
    for i in 0..<min(a.count, b.count) where a[i] != b[i] {
        m = max(m, abs(Int(a[i]) - Int(b[i])))
        n += 1
    }
    return (m, n)
}

/// SHA-256 of large outputs as lowercase hex, compared with stored digests (swift-crypto's,
/// which the library's `SHA256` wraps).
func sha256Hex(_ message: [UInt8]) -> String {
    SHA256.hash(data: message).map { String(format: "%02x", $0) }.joined()
}
