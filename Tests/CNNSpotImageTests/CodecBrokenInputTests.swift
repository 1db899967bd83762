import Foundation
import XCTest
import CNNSpotImage

/// Untrusted input: broken files give an `ImageError` naming the file, where Pillow 13 refuses
/// them too; files Pillow accepts despite damage decode to Pillow's pixels. Limits are checked.
final class CodecBrokenInputTests: XCTestCase {
    private func reason(_ name: String) -> ImageError.Reason? {
        switch name {
        case "empty": return .empty
        case "unknownFormat": return .unknownFormat
        case "truncated": return .truncated
        case "corrupt": return .corrupt
        case "unsupported": return .unsupported
        default: return nil
        }
    }

    func testBrokenFilesFollowPillowsVerdict() throws {
        let manifest = try CodecFixtures.manifest()
        XCTAssertGreaterThanOrEqual(manifest.broken.count, 15)
        for c in manifest.broken {
            let path = CodecFixtures.path(c.file)
            let result = Result { try ImageDecoder.decode(path: path) }
            switch (c.pillow, result) {
            case ("ok", .success(let d)) where c.expect_reason == "ok":
                XCTAssertEqual(d.image.width, c.width, c.file)
                XCTAssertEqual(d.image.height, c.height, c.file)
                XCTAssertEqual(CodecSHA256.hex(d.image.pixels), c.sha256, "\(c.file): Pillow accepts it; pixels must match")
            case ("ok", .failure(let e as ImageError)) where c.expect_reason != "ok":
                // A documented deviation: what Pillow reads but we deliberately do not.
                XCTAssertEqual(e.reason, reason(c.expect_reason), "\(c.file): \(e)")
                XCTAssertEqual(e.file, path)
            case ("error", .failure(let e as ImageError)):
                XCTAssertEqual(e.file, path, "\(c.file): error names the file")
                XCTAssertTrue(e.description.hasPrefix(path), e.description)
                if c.expect_reason == "tooManyPixels" {
                    guard case .tooManyPixels = e.reason else { XCTFail("\(c.file): \(e)"); continue }
                } else {
                    XCTAssertEqual(e.reason, reason(c.expect_reason), "\(c.file) (\(c.note)): \(e)")
                }
            default:
                XCTFail("\(c.file) (\(c.note)): Pillow says \(c.pillow) \(c.pillow_error ?? ""), we say \(result)")
            }
        }
    }

    /// Truncating a valid file at every 97th byte never crashes and always errors the way
    /// Pillow does for cut files (truncated, or not recognised when the signature is cut).
    func testEveryTruncationPointErrors() throws {
        for name in ["png_rgb16.png", "png_rgb8_interlaced.png", "jpeg_progressive.jpg", "photo_422_q95.jpg",
                     "webp_lossless_alpha.webp", "photo_lossy.webp"] {
            let full = try CodecFixtures.bytes(name)
            for cut in stride(from: 0, to: full.count - 12, by: 97) {
                XCTAssertThrowsError(try ImageDecoder.decode(data: Array(full[0..<cut]), name: "\(name)@\(cut)"),
                                     "\(name) cut at \(cut) of \(full.count)") { error in
                    XCTAssertTrue(error is ImageError, "\(error)")
                }
            }
        }
    }

    func testPixelLimitIsConfigurableAndCheckedFromHeader() throws {
        let path = CodecFixtures.path("png_rgb8.png") // 37x23 = 851 pixels
        var limits = ImageLimits(maxPixels: 850)
        XCTAssertThrowsError(try ImageDecoder.decode(path: path, options: DecodeOptions(limits: limits))) { error in
            XCTAssertEqual((error as? ImageError)?.reason, .tooManyPixels(width: 37, height: 23, limit: 850))
        }
        limits.maxPixels = 851
        XCTAssertNoThrow(try ImageDecoder.decode(path: path, options: DecodeOptions(limits: limits)))
        XCTAssertEqual(ImageLimits.default.maxPixels, 89_478_485)
        for file in ["jpeg_baseline420.jpg", "webp_lossy.webp"] {
            XCTAssertThrowsError(try ImageDecoder.decode(path: CodecFixtures.path(file),
                                                         options: DecodeOptions(limits: ImageLimits(maxPixels: 850))), file)
        }
    }

    func testFileSizeLimit() throws {
        let path = CodecFixtures.path("png_rgb8.png")
        let size = try CodecFixtures.bytes("png_rgb8.png").count
        XCTAssertThrowsError(try ImageDecoder.decode(path: path, options: DecodeOptions(limits: ImageLimits(maxFileBytes: size - 1)))) { error in
            XCTAssertEqual((error as? ImageError)?.reason, .fileTooLarge(bytes: size, limit: size - 1))
        }
        XCTAssertNoThrow(try ImageDecoder.decode(path: path, options: DecodeOptions(limits: ImageLimits(maxFileBytes: size))))
    }

    /// A progressive JPEG has several scans; a limit below that count stops the decode.
    func testProgressiveScanLimit() throws {
        let path = CodecFixtures.path("jpeg_progressive.jpg")
        XCTAssertThrowsError(try ImageDecoder.decode(path: path, options: DecodeOptions(limits: ImageLimits(maxJPEGScans: 2)))) { error in
            XCTAssertEqual((error as? ImageError)?.reason, .resourceLimit, "\(error)")
        }
        XCTAssertNoThrow(try ImageDecoder.decode(path: path, options: DecodeOptions(limits: ImageLimits(maxJPEGScans: 20))))
    }

    func testMissingFileAndDirectory() {
        XCTAssertThrowsError(try ImageDecoder.decode(path: "/nonexistent/x.png")) { error in
            XCTAssertEqual((error as? ImageError)?.reason, .io)
            XCTAssertEqual((error as? ImageError)?.file, "/nonexistent/x.png")
        }
        XCTAssertThrowsError(try ImageDecoder.decode(path: CodecFixtures.dir.path)) { error in
            XCTAssertTrue(error is ImageError, "\(error)")
        }
    }
}
