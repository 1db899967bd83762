import CNNSpotImage
import XCTest

/// Center crop, random crop and flip against torchvision 0.29.2 (Fixtures/ops) and properties.
final class CropTests: XCTestCase {
    func testCenterCropMatchesTorchvision() throws {
        let cases = try OpsFixtures.manifest("center_crop")
        XCTAssertEqual(cases.count, 12)
        for c in cases {
            let input = try OpsFixtures.image(try XCTUnwrap(c["input"] as? String))
            let h = try XCTUnwrap(c["height"] as? Int), w = try XCTUnwrap(c["width"] as? Int)
            let out = try centerCrop(input, height: h, width: w)
            let expected = try OpsFixtures.bytes(try XCTUnwrap(c["expected"] as? String))
            XCTAssertEqual(expected.shape, [h, w, 3])
            XCTAssertEqual(out.height, h); XCTAssertEqual(out.width, w)
            let d = byteDiff(out.pixels, expected.values)
            XCTAssertEqual(d.count, 0, "\(c["input"]!) crop \(h)x\(w): \(d.count) bytes differ")
        }
    }

    func testCenterCropOffsetsRoundHalfToEven() {
        // (48 - 31) / 2 = 8.5 -> 8, (64 - 21) / 2 = 21.5 -> 22 (Python round).
        XCTAssertTrue(centerCropOffsets(imageWidth: 64, imageHeight: 48, width: 21, height: 31) == (8, 22))
        // 256 -> 224: 16.
        XCTAssertTrue(centerCropOffsets(imageWidth: 256, imageHeight: 256, width: 224, height: 224) == (16, 16))
    }

    func testRandomCropBoundsAndDeterminism() throws {
        let img = try OpsFixtures.image("in_fake_80x96.npy")
        var seen = Set<[Int]>()
        var rngA = SeededRandom(seed: 7), rngB = SeededRandom(seed: 7)
        for _ in 0..<400 {
            let a = try randomCrop(img, height: 78, width: 93, using: &rngA)
            let b = try randomCrop(img, height: 78, width: 93, using: &rngB)
            XCTAssertEqual(a, b)
            XCTAssertEqual(a.width, 93); XCTAssertEqual(a.height, 78)
            // Locate the window: it must be one of the 3 x 4 valid offsets.
            var found: [Int]?
            for t in 0...2 { for l in 0...3 where try crop(img, top: t, left: l, height: 78, width: 93) == a { found = [t, l] } }
            seen.insert(try XCTUnwrap(found))
        }
        XCTAssertEqual(seen.count, 12, "every offset in torchvision's bounds is drawn")
        var rng = SeededRandom(seed: 1)
        XCTAssertThrowsError(try randomCrop(img, height: 81, width: 10, using: &rng))
        XCTAssertEqual(try randomCrop(img, height: 80, width: 96, using: &rng), img)
    }

    func testFlip() throws {
        let img = try OpsFixtures.image("in_edge_17x9.npy")
        let f = horizontalFlip(img)
        XCTAssertEqual(horizontalFlip(f), img)
        for y in 0..<img.height {
            for x in 0..<img.width {
                for c in 0..<3 {
                    XCTAssertEqual(f[x, y, c], img[img.width - 1 - x, y, c])
                }
            }
        }
    }
}
