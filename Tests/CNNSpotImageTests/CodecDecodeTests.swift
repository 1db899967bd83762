import Foundation
import XCTest
import CNNSpotImage

/// Decoding every fixture kind against Pillow 13's `Image.open(p).convert('RGB')`
/// (and `ImageOps.exif_transpose` for the orientation cases). Tolerance: exact (0 levels).
final class CodecDecodeTests: XCTestCase {
    func testEveryFixtureKindMatchesPillowExactly() throws {
        let manifest = try CodecFixtures.manifest()
        XCTAssertGreaterThanOrEqual(manifest.decode.count, 50)
        var exact = 0
        for c in manifest.decode {
            let options = DecodeOptions(applyEXIFOrientation: c.apply_exif)
            let decoded: DecodedImage
            do {
                decoded = try ImageDecoder.decode(path: CodecFixtures.path(c.file), options: options)
            } catch {
                XCTFail("\(c.file) (\(c.note)): \(error)")
                continue
            }
            XCTAssertEqual(decoded.format.rawValue, c.format, c.file)
            XCTAssertEqual(decoded.sourceMode, c.mode, "\(c.file): Pillow mode")
            XCTAssertEqual(decoded.exifOrientation, c.exif_orientation, "\(c.file): EXIF orientation")
            if let expected = c.expected {
                CodecFixtures.assertPixels(
                    decoded.image, width: c.width, height: c.height,
                    expected: try CodecFixtures.bytes(expected), "\(c.file) (\(c.note))")
            } else {
                XCTAssertEqual(decoded.image.width, c.width, c.file)
                XCTAssertEqual(decoded.image.height, c.height, c.file)
            }
            if CodecSHA256.hex(decoded.image.pixels) == c.sha256 { exact += 1 } else { XCTFail("\(c.file): SHA-256 differs from Pillow's") }
        }
        print("codec decode: \(exact)/\(manifest.decode.count) fixtures identical to Pillow")
    }

    /// Real 256x256 photos and CNN fakes from the shared data set.
    func testSharedPhotosMatchPillow() throws {
        let manifest = try CodecFixtures.manifest()
        XCTAssertFalse(manifest.shared_decode.isEmpty)
        for c in manifest.shared_decode {
            let decoded = try ImageDecoder.decode(path: CodecFixtures.sharedPath(c.file))
            XCTAssertEqual(decoded.sourceMode, c.mode, c.file)
            XCTAssertEqual(decoded.image.width, c.width, c.file)
            XCTAssertEqual(decoded.image.height, c.height, c.file)
            XCTAssertEqual(CodecSHA256.hex(decoded.image.pixels), c.sha256, "\(c.file): pixels differ from Pillow's")
        }
        // Throughput, for information (not asserted: the machine is shared).
        let paths = manifest.shared_decode.map { CodecFixtures.sharedPath($0.file) }
        let start = Date()
        for _ in 0..<10 { for p in paths { _ = try ImageDecoder.decode(path: p) } }
        let ms = Date().timeIntervalSince(start) * 1000 / Double(10 * paths.count)
        print("codec decode: \(String(format: "%.2f", ms)) ms per 256x256 PNG")
    }

    /// The orientation is reported but not applied by default (the reference applies none).
    func testEXIFOrientationOffByDefault() throws {
        let plain = try ImageDecoder.decode(path: CodecFixtures.path("orient6.png"))
        XCTAssertEqual(plain.exifOrientation, 6)
        XCTAssertEqual(plain.image.width, 37)
        XCTAssertEqual(plain.image.height, 23)
        let reference = try ImageDecoder.decode(path: CodecFixtures.path("orient1.png"))
        XCTAssertEqual(plain.image, reference.image, "same pixels stored in both files")
    }

    /// The format comes from the magic bytes: a JPEG stored under a .png name still decodes.
    func testFormatFromMagicBytesNotExtension() throws {
        let jpeg = try CodecFixtures.bytes("jpeg_baseline420.jpg")
        let a = try ImageDecoder.decode(data: jpeg, name: "misnamed.png")
        XCTAssertEqual(a.format, .jpeg)
        let b = try ImageDecoder.decode(path: CodecFixtures.path("jpeg_baseline420.jpg"))
        XCTAssertEqual(a.image, b.image)
        XCTAssertEqual(ImageFormat.sniff(try CodecFixtures.bytes("webp_lossy.webp")), .webp)
        XCTAssertEqual(ImageFormat.sniff(try CodecFixtures.bytes("png_rgb8.png")), .png)
        XCTAssertNil(ImageFormat.sniff(Array("RIFF0000WAVE".utf8)))
    }

    /// Several threads decoding at once give the same pixels as one thread.
    func testConcurrentDecodingIsConsistent() throws {
        let manifest = try CodecFixtures.manifest()
        let files = manifest.decode.map { CodecFixtures.path($0.file) }
        let serial = try files.map { try ImageDecoder.decode(path: $0).image }
        var results = [RGBImage?](repeating: nil, count: files.count * 4)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: files.count * 4) { i in
            let image = try? ImageDecoder.decode(path: files[i % files.count]).image
            lock.lock(); results[i] = image; lock.unlock()
        }
        for i in 0..<(files.count * 4) {
            XCTAssertEqual(results[i], serial[i % files.count], "concurrent decode of \(files[i % files.count])")
        }
    }
}
