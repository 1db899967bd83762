import CNNSpotImage
import Foundation
import XCTest

/// Loads Fixtures/ops (written by scripts/fixtures/make_ops_fixtures.py): .npy arrays and
/// manifest.json.
enum OpsFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
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

/// SHA-256 (FIPS 180-4), for comparing large outputs against stored digests.
func sha256Hex(_ message: [UInt8]) -> String {
    let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]
    var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
    var m = message
    let bitLen = UInt64(message.count) * 8
    m.append(0x80)
    while m.count % 64 != 56 { m.append(0) }
    for i in (0..<8).reversed() { m.append(UInt8(truncatingIfNeeded: bitLen >> (UInt64(i) * 8))) }
    func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
    var w = [UInt32](repeating: 0, count: 64)
    for chunk in stride(from: 0, to: m.count, by: 64) {
        for i in 0..<16 {
            w[i] = UInt32(m[chunk + 4 * i]) << 24 | UInt32(m[chunk + 4 * i + 1]) << 16
                | UInt32(m[chunk + 4 * i + 2]) << 8 | UInt32(m[chunk + 4 * i + 3])
        }
        for i in 16..<64 {
            let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
        for i in 0..<64 {
            let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[i] &+ w[i]
            let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
            (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
        }
        h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
    }
    return h.map { String(format: "%08x", $0) }.joined()
}
