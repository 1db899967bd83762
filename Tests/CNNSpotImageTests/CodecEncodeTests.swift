import Foundation
import XCTest
import CNNSpotImage

final class CodecEncodeTests: XCTestCase {
    /// PNG is lossless: every decoded fixture survives encode + decode unchanged.
    func testPNGRoundTripIsLossless() throws {
        let manifest = try CodecFixtures.manifest()
        for c in manifest.decode.prefix(30) {
            let image = try ImageDecoder.decode(path: CodecFixtures.path(c.file)).image
            let png = try ImageEncoder.png(image)
            XCTAssertEqual(ImageFormat.sniff(png), .png)
            let back = try ImageDecoder.decode(data: png, name: c.file)
            XCTAssertEqual(back.sourceMode, "RGB")
            XCTAssertEqual(back.bitDepth, 8)
            XCTAssertEqual(back.image, image, c.file)
        }
    }

    func testWritePNGToFile() throws {
        let image = try ImageDecoder.decode(path: CodecFixtures.sharedPath("examples/real.png")).image
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("codec-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try image.writePNG(to: url)
        XCTAssertEqual(try ImageDecoder.decode(path: url.path).image, image)
        XCTAssertThrowsError(try image.writePNG(to: URL(fileURLWithPath: "/nonexistent-dir/x.png"))) { error in
            XCTAssertEqual((error as? ImageError)?.reason, .io)
        }
    }

    func testJPEGQualityRangeAndEmptyImages() throws {
        let image = RGBImage(width: 4, height: 4)
        for q in [0, 101, -5] {
            XCTAssertThrowsError(try ImageEncoder.jpeg(image, quality: q)) { error in
                XCTAssertEqual((error as? ImageError)?.reason, .invalidArgument)
            }
        }
        XCTAssertThrowsError(try ImageEncoder.png(RGBImage(width: 0, height: 3)))
        XCTAssertThrowsError(try ImageEncoder.jpeg(RGBImage(width: 3, height: 0), quality: 50))
        // Quality 1 and 100 are valid; higher quality keeps more bytes on a real photo.
        let photo = try ImageDecoder.decode(path: CodecFixtures.sharedPath("examples/real.png")).image
        let q1 = try ImageEncoder.jpeg(photo, quality: 1), q100 = try ImageEncoder.jpeg(photo, quality: 100)
        XCTAssertLessThan(q1.count, q100.count)
        XCTAssertEqual(ImageFormat.sniff(q1), .jpeg)
    }
}
