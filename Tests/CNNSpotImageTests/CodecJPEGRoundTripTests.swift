import Foundation
import XCTest
import CNNSpotImage

/// `jpegRoundTrip` against CNNDetection's augmentation as run with Pillow 13 (libjpeg-turbo
/// 3.2) and OpenCV 5 (libjpeg-turbo 3.1): our encoder uses the system libjpeg-turbo 2.1.5.
/// Asserted: encoded bytes identical to Pillow's / OpenCV's, decoded pixels identical
/// (tolerance 0) for q in {30, 31, 50, 65, 75, 90, 95, 100} on real photos, CNN fakes and
/// synthetic edge cases (1x1, 2x3, 17x9, flat, black, white, 250x203 crop).
final class CodecJPEGRoundTripTests: XCTestCase {
    private func sources(_ manifest: CodecFixtures.Manifest) throws -> [String: RGBImage] {
        var out: [String: RGBImage] = [:]
        for s in manifest.round_trip_sources {
            if let raw = s.raw, let w = s.width, let h = s.height {
                out[s.id] = RGBImage(width: w, height: h, pixels: try CodecFixtures.bytes(raw))
            } else if let rel = s.shared {
                var image = try ImageDecoder.decode(path: CodecFixtures.sharedPath(rel)).image
                if let c = s.crop {
                    let (x0, y0, w, h) = (c[0], c[1], c[2], c[3])
                    var px = [UInt8]()
                    px.reserveCapacity(w * h * 3)
                    for y in y0..<(y0 + h) {
                        px += image.pixels[((y * image.width + x0) * 3)..<((y * image.width + x0 + w) * 3)]
                    }
                    image = RGBImage(width: w, height: h, pixels: px)
                }
                out[s.id] = image
            }
        }
        return out
    }

    func testRoundTripsMatchPillowAndOpenCV() throws {
        let manifest = try CodecFixtures.manifest()
        let images = try sources(manifest)
        XCTAssertEqual(images.count, manifest.round_trip_sources.count)
        XCTAssertGreaterThanOrEqual(manifest.round_trips.count, 200)
        var sameBytes = 0, samePixels = 0, worst = 0, differing = 0, total = 0
        for rt in manifest.round_trips {
            guard let image = images[rt.source], let method = JPEGMethod(rawValue: rt.method) else {
                XCTFail("unknown source/method \(rt.source) \(rt.method)"); continue
            }
            let label = "\(rt.source) q=\(rt.quality) \(rt.method)"
            let encoded = try ImageEncoder.jpeg(image, quality: rt.quality)
            if CodecSHA256.hex(encoded) == rt.encoded_sha256 {
                sameBytes += 1
            } else {
                XCTFail("\(label): encoded bytes differ (\(encoded.count) vs \(rt.encoded_bytes) bytes)")
            }
            let out = try jpegRoundTrip(image, quality: rt.quality, method: method)
            XCTAssertEqual(out.width, image.width, label)
            XCTAssertEqual(out.height, image.height, label)
            if let expected = rt.expected {
                let exp = try CodecFixtures.bytes(expected)
                let d = CodecFixtures.difference(out.pixels, exp)
                worst = max(worst, d.worst); differing += d.count; total += exp.count
                CodecFixtures.assertPixels(out, width: image.width, height: image.height, expected: exp, label)
            }
            if CodecSHA256.hex(out.pixels) == rt.decoded_sha256 {
                samePixels += 1
            } else {
                XCTFail("\(label): decoded pixels differ from the reference's")
            }
        }
        if let photo = images["examples/real.png"] {
            let start = Date()
            for _ in 0..<20 { _ = try jpegRoundTrip(photo, quality: 75, method: .pil) }
            print("jpeg round trip: \(String(format: "%.2f", Date().timeIntervalSince(start) * 50)) ms per 256x256 image")
        }
        print(
            "jpeg round trip: \(sameBytes)/\(manifest.round_trips.count) encodings byte-identical, "
                + "\(samePixels)/\(manifest.round_trips.count) decodes pixel-identical; full arrays: worst |diff| \(worst), "
                + "\(differing) of \(total) samples differ")
    }

    /// The round trip is deterministic and really re-compresses (a noisy image changes).
    func testRoundTripChangesNoisyImageAndIsDeterministic() throws {
        var g = SystemRandomNumberGenerator()
        let noise = RGBImage(width: 19, height: 13, pixels: (0..<(19 * 13 * 3)).map { _ in UInt8.random(in: 0...255, using: &g) })
        let a = try jpegRoundTrip(noise, quality: 30, method: .pil)
        let b = try jpegRoundTrip(noise, quality: 30, method: .cv2)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, noise)
        XCTAssertThrowsError(try jpegRoundTrip(noise, quality: 0, method: .pil))
    }
}
