import CNNSpotTestSupport
import Foundation
import XCTest
@testable import CNNSpotImage

/// TIFF (first page) against Pillow 13's `Image.open(p).convert('RGB')`, byte for byte
/// (Fixtures/tiff, written by scripts/fixtures/make_tiff_fixtures.py). Issue 13 row 13: on
/// 3274969 TIFFs were refused ("TIFF data").
final class TIFFDecodeTests: XCTestCase {
    static let dir = Repository.fixtures("tiff")

    static func manifest() throws -> [[String: Any]] {
        let data = try Data(contentsOf: dir.appendingPathComponent("manifest.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    func testEveryFixtureMatchesPillowExactly() throws {
        let cases = try Self.manifest().filter { $0["error"] == nil }
        XCTAssertGreaterThanOrEqual(cases.count, 20)
        var modes = Set<String>()
        for c in cases {
            let name = c["name"] as! String
            let decoded: DecodedImage
            do { decoded = try ImageDecoder.decode(path: Self.dir.appendingPathComponent(name).path) } catch {
                XCTFail("\(name): \(error)"); continue
            }
            XCTAssertEqual(decoded.format, .tiff, name)
            XCTAssertEqual(decoded.sourceMode, c["mode"] as? String, name)
            modes.insert(decoded.sourceMode)
            XCTAssertEqual(decoded.image.width, c["width"] as? Int, name)
            XCTAssertEqual(decoded.image.height, c["height"] as? Int, name)
            guard decoded.image.width == c["width"] as? Int, decoded.image.height == c["height"] as? Int else { continue }
            let expected = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent(name + ".rgb")))
            XCTAssertEqual(decoded.image.pixels.count, expected.count, name)
            let diffs = zip(decoded.image.pixels, expected).filter { $0 != $1 }.count
            let worst = zip(decoded.image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
            print("\(name): \(diffs) differing bytes, worst \(worst) (\(c["note"] ?? ""))")
            XCTAssertEqual(diffs, 0, name)
        }
        XCTAssertTrue(modes.isSuperset(of: ["1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I;16", "I;16B"]), "\(modes)")
    }

    /// The orientation tag is applied whatever `applyEXIFOrientation` says (Pillow 13 transposes
    /// TIFFs on load), once, and reported.
    func testOrientationIsAppliedOnceAndReported() throws {
        let path = Self.dir.appendingPathComponent("rgb_orientation6.tif").path
        let plain = try ImageDecoder.decode(path: path)
        let asked = try ImageDecoder.decode(path: path, options: DecodeOptions(applyEXIFOrientation: true))
        XCTAssertEqual(plain.exifOrientation, 6)
        XCTAssertEqual(plain.image, asked.image)
        XCTAssertEqual(plain.image.width, 23)
        XCTAssertEqual(plain.image.height, 37)
        let upright = try ImageDecoder.decode(path: Self.dir.appendingPathComponent("rgb_raw.tif").path)
        XCTAssertNil(upright.exifOrientation)
        XCTAssertEqual(upright.image.applyingEXIFOrientation(6), plain.image, "same pixels as the untagged file, rotated")
    }

    func testSniffedFromBytesNotName() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent("rgb_be_strips.tif")))
        XCTAssertEqual(Array(bytes.prefix(4)), [0x4D, 0x4D, 0x00, 0x2A])
        XCTAssertEqual(ImageFormat.sniff(bytes), .tiff)
        XCTAssertEqual(ImageFormat.sniff([0x49, 0x49, 0x2A, 0x00]), .tiff)
        XCTAssertNil(ImageFormat.sniff([0x49, 0x49, 0x2B, 0x00]), "BigTIFF is not read")
        let decoded = try ImageDecoder.decode(data: bytes, name: "named.png")
        XCTAssertEqual(decoded.format, .tiff)
    }

    /// Truncated and forged files are errors naming the file and the problem, never a crash.
    func testBrokenFilesFailClearly() throws {
        for c in try Self.manifest() where c["error"] != nil {
            let name = c["name"] as! String
            XCTAssertThrowsError(try ImageDecoder.decode(path: Self.dir.appendingPathComponent(name).path), name) { e in
                let text = "\(e)"
                print("\(name): \(text)  [Pillow: \(c["pillow"] ?? "")]")
                XCTAssertNotNil(e as? ImageError, text)
                XCTAssertTrue(text.contains(name + ": "), "names the file, then the problem: \(text)")
                if (e as? ImageError)?.reason != .tooManyPixels(width: 60000, height: 60000, limit: ImageLimits.pillowMaxPixels) {
                    XCTAssertFalse((e as? ImageError)?.detail.isEmpty ?? true, "libtiff's reason is given: \(text)")
                }
            }
        }
        // Uncompressed pixel data cut short: named as truncated.
        XCTAssertThrowsError(try ImageDecoder.decode(path: Self.dir.appendingPathComponent("truncated_raw.tif").path)) { e in
            XCTAssertEqual((e as? ImageError)?.reason, .truncated, "\(e)")
        }
        // Every prefix of a tiled file and of a strip file, and bytes flipped: an error or an
        // image of the header's size, never a crash.
        for file in ["tiled_rgb_deflate.tif", "rgb_lzw.tif", "ycbcr_jpeg.tif"] {
            let good = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent(file)))
            for cut in stride(from: 1, to: good.count, by: 7) {
                if let d = try? ImageDecoder.decode(data: Array(good.prefix(cut)), name: "cut.tif") {
                    XCTAssertEqual(d.image.pixels.count, d.image.width * d.image.height * 3)
                }
            }
            var rng = SeededRandom(seed: 13)
            for _ in 0..<300 {
                var bad = good
                for _ in 0..<4 { bad[Int(rng.next() % UInt64(bad.count))] = UInt8(truncatingIfNeeded: rng.next()) }
                if let d = try? ImageDecoder.decode(data: bad, name: "flip.tif") {
                    XCTAssertEqual(d.image.pixels.count, d.image.width * d.image.height * 3)
                }
            }
        }
    }

    /// A directory claiming 60000 x 60000 over 1 KB: refused from the header by the pixel limit,
    /// before the 10.8 GB output is allocated; a lower --max-pixels refuses a real file too.
    func testHugeHeaderRefusedBeforeAllocation() throws {
        let path = Self.dir.appendingPathComponent("huge_header.tif").path
        XCTAssertThrowsError(try ImageDecoder.decode(path: path)) { e in
            guard case let .tooManyPixels(w, h, limit)? = (e as? ImageError)?.reason else { return XCTFail("\(e)") }
            XCTAssertEqual([w, h, limit], [60000, 60000, ImageLimits.pillowMaxPixels])
        }
        let small = DecodeOptions(limits: ImageLimits(maxPixels: 37 * 23 - 1))
        XCTAssertThrowsError(try ImageDecoder.decode(path: Self.dir.appendingPathComponent("rgb_lzw.tif").path, options: small)) { e in
            guard case .tooManyPixels? = (e as? ImageError)?.reason else { return XCTFail("\(e)") }
        }
        XCTAssertNoThrow(
            try ImageDecoder.decode(
                path: Self.dir.appendingPathComponent("rgb_lzw.tif").path,
                options: DecodeOptions(limits: ImageLimits(maxPixels: 37 * 23))))
        // Tiles claimed as 2^20 x 2^20 over a 37x23 image: the 3 TB tile buffer is refused
        // before libtiff is asked to fill it.
        var tiled = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent("tiled_rgb_deflate.tif")))
        XCTAssertEqual(Self.patchLongTags(&tiled, [322, 323], to: 1 << 20), 2)
        XCTAssertThrowsError(try ImageDecoder.decode(data: tiled, name: "bigtile.tif")) { e in
            XCTAssertEqual((e as? ImageError)?.reason, .resourceLimit, "\(e)")
            XCTAssertTrue("\(e)".hasPrefix("bigtile.tif: ") && "\(e)".contains("tile of"), "\(e)")
        }
        // The file-size limit applies before reading.
        XCTAssertThrowsError(
            try ImageDecoder.decode(
                path: Self.dir.appendingPathComponent("rgb_lzw.tif").path,
                options: DecodeOptions(limits: ImageLimits(maxFileBytes: 100)))
        ) { e in
            guard case .fileTooLarge? = (e as? ImageError)?.reason else { return XCTFail("\(e)") }
        }
    }

    /// Sets the LONG-typed entries `tags` of a little-endian file's first directory to `value`;
    /// returns how many were found.
    static func patchLongTags(_ d: inout [UInt8], _ tags: Set<Int>, to value: UInt32) -> Int {
        func u16(_ p: Int) -> Int { Int(d[p]) | Int(d[p + 1]) << 8 }
        let ifd = u16(4) | u16(6) << 16
        var found = 0
        for i in 0..<u16(ifd) {
            let e = ifd + 2 + 12 * i
            guard tags.contains(u16(e)), u16(e + 2) == 4 else { continue }
            for k in 0..<4 { d[e + 8 + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k))) }
            found += 1
        }
        return found
    }

    /// Layouts whose Pillow rule is not implemented are refused with the reason, not guessed.
    func testUnsupportedLayoutsNameTheProblem() throws {
        var planar = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent("rgb_raw.tif")))
        // Rewrite PlanarConfiguration (tag 284) to 2 in the directory.
        let ifd = Int(planar[4]) | Int(planar[5]) << 8 | Int(planar[6]) << 16 | Int(planar[7]) << 24
        let count = Int(planar[ifd]) | Int(planar[ifd + 1]) << 8
        var patched = false
        for i in 0..<count {
            let e = ifd + 2 + 12 * i
            if planar[e] == 0x1C && planar[e + 1] == 0x01 { planar[e + 8] = 2; patched = true }
        }
        XCTAssertTrue(patched)
        XCTAssertThrowsError(try ImageDecoder.decode(data: planar, name: "planar.tif")) { e in
            XCTAssertEqual((e as? ImageError)?.reason, .unsupported, "\(e)")
            XCTAssertTrue("\(e)".hasPrefix("planar.tif: ") && "\(e)".contains("PlanarConfiguration 2"), "\(e)")
        }
    }
}
