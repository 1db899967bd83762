import CNNSpotTestSupport
import CNNSpotImage
import Crypto
import Foundation
import XCTest

/// Loads Fixtures/ops (written by scripts/fixtures/make_ops_fixtures.py): .npy arrays
/// (`NpyFixture`) and manifest.json.
enum OpsFixtures {
    static let root = Repository.root
    static let dir = root.appendingPathComponent("Fixtures/ops")

    static func manifest(_ section: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: dir.appendingPathComponent("manifest.json"))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(json[section] as? [[String: Any]], "manifest has no section \(section)")
    }

    static func npy(_ name: String) throws -> NpyFixture {
        try NpyFixture.read(dir.appendingPathComponent(name))
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
        return (a.shape, try a.floats())
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
