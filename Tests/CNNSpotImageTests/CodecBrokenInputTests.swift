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

    /// Formats seen in Pillow's test corpus that we do not decode are refused by name (the
    /// signatures of their specifications), so a user knows what to convert; others show bytes.
    func testFormatsWeDoNotReadAreNamed() throws {
        let cases: [([UInt8], String)] = [
            (Array("BM".utf8), "BMP"), ([0x49, 0x49, 0x2B, 0x00], "BigTIFF"),
            ([0, 0, 0, 0x1C] + Array("ftypavif".utf8), "HEIF/AVIF"),
            ([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A], "JPEG 2000"), ([0xFF, 0x4F, 0xFF, 0x51], "JPEG 2000"),
            ([0xFF, 0x0A], "JPEG XL"), (Array("DDS |".utf8), "DDS"), (Array("8BPS".utf8), "PSD"),
            (Array("%!PS-Adobe".utf8), "EPS"), ([0xC5, 0xD0, 0xD3, 0xC6], "EPS"), (Array("qoif".utf8), "QOI"),
            (Array("P6\n12 12\n255\n".utf8), "PPM"), (Array("P5 1 1 255 ".utf8), "PGM"), (Array("Pf\n".utf8), "PFM"),
            ([0x01, 0xDA, 0x01, 0x01], "SGI"), ([0x00, 0x00, 0x01, 0x00, 0x01, 0x00], "ICO"),
            ([0x0A, 0x05, 0x01, 0x08], "PCX"), (Array("icns".utf8), "ICNS"), (Array("SIMPLE  =                    T".utf8), "FITS")
        ]
        for (head, name) in cases {
            let bytes = head + [UInt8](repeating: 0, count: 64)
            XCTAssertThrowsError(try ImageDecoder.decode(data: bytes, name: "x.img")) { error in
                guard let e = error as? ImageError else { return XCTFail("\(error)") }
                XCTAssertEqual(e.reason, .unknownFormat, "\(name): \(e)")
                XCTAssertTrue(e.description.contains(name) && !e.description.contains("starts with"), "\(name): \(e)")
            }
        }
        XCTAssertThrowsError(try ImageDecoder.decode(data: [0x13, 0x37, 0x42] + [UInt8](repeating: 7, count: 64), name: "y.img")) {
            XCTAssertTrue("\($0)".contains("starts with 13 37 42"), "\($0)")
        }
    }

    /// Truncating a valid file at every 97th byte never crashes and always errors the way
    /// Pillow does for cut files (truncated, or not recognised when the signature is cut).
    func testEveryTruncationPointErrors() throws {
        for name in [
            "png_rgb16.png", "png_rgb8_interlaced.png", "jpeg_progressive.jpg", "photo_422_q95.jpg",
            "webp_lossless_alpha.webp", "photo_lossy.webp"
        ] {
            let full = try CodecFixtures.bytes(name)
            for cut in stride(from: 0, to: full.count - 12, by: 97) {
                XCTAssertThrowsError(
                    try ImageDecoder.decode(data: Array(full[0..<cut]), name: "\(name)@\(cut)"),
                    "\(name) cut at \(cut) of \(full.count)"
                ) { error in
                    XCTAssertTrue(error is ImageError, "\(error)")
                }
            }
        }
    }

    func testPixelLimitIsConfigurableAndCheckedFromHeader() throws {
        let path = CodecFixtures.path("png_rgb8.png")  // 37x23 = 851 pixels
        var limits = ImageLimits(maxPixels: 850)
        XCTAssertThrowsError(try ImageDecoder.decode(path: path, options: DecodeOptions(limits: limits))) { error in
            XCTAssertEqual((error as? ImageError)?.reason, .tooManyPixels(width: 37, height: 23, limit: 850))
        }
        limits.maxPixels = 851
        XCTAssertNoThrow(try ImageDecoder.decode(path: path, options: DecodeOptions(limits: limits)))
        XCTAssertEqual(ImageLimits.default.maxPixels, 89_478_485)
        for file in ["jpeg_baseline420.jpg", "webp_lossy.webp"] {
            XCTAssertThrowsError(
                try ImageDecoder.decode(
                    path: CodecFixtures.path(file),
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
