import CNNSpotTestSupport
import Foundation
import XCTest
import CNNSpotImage

/// Shared helpers of the Codec*Tests: fixture paths, the manifest written by
/// scripts/fixtures/make_codec_fixtures.py, SHA-256 and pixel comparison.
enum CodecFixtures {
    static let repoRoot = Repository.root
    static let dir = Repository.fixtures("codecs")
    static let sharedData = Repository.sharedData

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
    static func assertPixels(
        _ actual: RGBImage, width: Int, height: Int, expected: [UInt8], _ label: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        guard actual.width == width, actual.height == height else {
            XCTFail("\(label): size \(actual.width)x\(actual.height), expected \(width)x\(height)", file: file, line: line)
            return
        }
        XCTAssertEqual(expected.count, width * height * 3, "\(label): expected array size", file: file, line: line)
        guard expected.count == actual.pixels.count else { return }
        let d = difference(actual.pixels, expected)
        if d.count > 0 {
            let i = d.worstIndex
            XCTFail(
                "\(label): \(d.count) of \(expected.count) samples differ, worst |diff| \(d.worst) at "
                    + "x=\(i / 3 % width) y=\(i / 3 / width) c=\(i % 3) (got \(actual.pixels[i]), Pillow \(expected[i]))",
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

/// SHA-256 of expected outputs (`sha256Hex`).
enum CodecSHA256 {
    static func hex(_ message: [UInt8]) -> String { sha256Hex(message) }
}
