import Foundation
import XCTest
import CNNSpotImage

/// Shared helpers of the Codec*Tests: fixture paths, the manifest written by
/// scripts/fixtures/make_codec_fixtures.py, SHA-256 and pixel comparison.
enum CodecFixtures {
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let dir = repoRoot.appendingPathComponent("Fixtures/codecs")
    static let sharedData = repoRoot.appendingPathComponent("../shared/data").standardizedFileURL

    struct DecodeCase: Decodable {
        var file: String, format: String, mode: String, width: Int, height: Int, sha256: String
        var apply_exif: Bool, exif_orientation: Int?, note: String, expected: String?
    }
    struct SharedDecode: Decodable { var file: String, mode: String, width: Int, height: Int, sha256: String }
    struct BrokenCase: Decodable {
        var file: String, expect_reason: String, note: String, pillow: String
        var pillow_error: String?, sha256: String?, width: Int?, height: Int?
    }
    struct RoundTripSource: Decodable {
        var id: String, raw: String?, width: Int?, height: Int?, shared: String?, crop: [Int]?
    }
    struct RoundTrip: Decodable {
        var source: String, quality: Int, method: String, encoded_sha256: String, encoded_bytes: Int
        var decoded_sha256: String, expected: String?
    }
    struct Mutant: Decodable {
        var file: String, xor: [[Int]]?, cut: Int?, pillow: String, pillow_error: String?, sha256: String?
    }
    struct Manifest: Decodable {
        var decode: [DecodeCase], shared_decode: [SharedDecode], broken: [BrokenCase], mutants: [Mutant]
        var round_trip_sources: [RoundTripSource], round_trips: [RoundTrip]
    }

    static func manifest() throws -> Manifest {
        let data = try Data(contentsOf: dir.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(Manifest.self, from: data)
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
    }

    static func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    static func sharedPath(_ rel: String) -> String { sharedData.appendingPathComponent(rel).path }

    /// Asserts equal size, then equal pixels; on mismatch reports the worst absolute
    /// difference, where it is, and how many samples differ.
    static func assertPixels(_ actual: RGBImage, width: Int, height: Int, expected: [UInt8], _ label: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        guard actual.width == width, actual.height == height else {
            XCTFail("\(label): size \(actual.width)x\(actual.height), expected \(width)x\(height)", file: file, line: line)
            return
        }
        XCTAssertEqual(expected.count, width * height * 3, "\(label): expected array size", file: file, line: line)
        guard expected.count == actual.pixels.count else { return }
        let d = difference(actual.pixels, expected)
        if d.count > 0 {
            let i = d.worstIndex
            XCTFail("\(label): \(d.count) of \(expected.count) samples differ, worst |diff| \(d.worst) at " +
                    "x=\(i / 3 % width) y=\(i / 3 / width) c=\(i % 3) (got \(actual.pixels[i]), Pillow \(expected[i]))",
                    file: file, line: line)
        }
    }

    static func difference(_ a: [UInt8], _ b: [UInt8]) -> (count: Int, worst: Int, worstIndex: Int) {
        var count = 0, worst = 0, at = 0
        for i in 0..<min(a.count, b.count) where a[i] != b[i] {
            count += 1
            let d = abs(Int(a[i]) - Int(b[i]))
            if d > worst { worst = d; at = i }
        }
        return (count, worst, at)
    }
}

/// SHA-256 (FIPS 180-4), for comparing against hashes of large expected outputs; Foundation on
/// Linux has no CryptoKit. Checked against the FIPS test vectors in CodecSHA256Tests.
enum CodecSHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func hex(_ message: [UInt8]) -> String {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var m = message
        let bitLength = UInt64(message.count) * 8
        m.append(0x80)
        while m.count % 64 != 56 { m.append(0) }
        for s in stride(from: 56, through: 0, by: -8) { m.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(s))) }
        func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        var w = [UInt32](repeating: 0, count: 64)
        for chunk in stride(from: 0, to: m.count, by: 64) {
            for i in 0..<16 {
                let b = chunk + 4 * i
                w[i] = UInt32(m[b]) << 24 | UInt32(m[b + 1]) << 16 | UInt32(m[b + 2]) << 8 | UInt32(m[b + 3])
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
}

final class CodecSHA256Tests: XCTestCase {
    /// FIPS 180-2 appendix B vectors, and the empty string.
    func testKnownVectors() {
        XCTAssertEqual(CodecSHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(CodecSHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(CodecSHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
