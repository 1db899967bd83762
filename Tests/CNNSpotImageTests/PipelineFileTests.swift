import CNNSpotImage
import XCTest

/// Whole transforms from PNG files, decode included, against the reference's Python pipeline
/// (scripts/bench/reference_transform.py: torchvision resize/crops, SciPy blur, Pillow or
/// OpenCV JPEG, ToTensor + Normalize). Settings are deterministic (probabilities 1 or 0,
/// single values), so the uint8 result and the float32 tensor must match bit for bit
/// (compared by sha256 of their bytes).
final class PipelineFileTests: XCTestCase {
    func testMatchesReferencePipelineOnRealFiles() throws {
        let cases = try OpsFixtures.manifest("pipeline")
        XCTAssertEqual(cases.count, 12)
        let data = OpsFixtures.root.appendingPathComponent("../shared/data")
        for c in cases {
            let rel = try XCTUnwrap(c["file"] as? String), name = try XCTUnwrap(c["pipeline"] as? String)
            let o = try XCTUnwrap(c["options"] as? [String: Any])
            var opts = AugmentationOptions()
            opts.loadSize = o["loadSize"] as? Int
            opts.interpolations = try XCTUnwrap(o["rz_interp"] as? [String]).compactMap(Interpolation.init(rawValue:))
            opts.blurProb = try XCTUnwrap(o["blur_prob"] as? Double)
            opts.blurSigma = try XCTUnwrap(o["blur_sig"] as? [String]).compactMap(Double.init)
            opts.jpegProb = try XCTUnwrap(o["jpg_prob"] as? Double)
            opts.jpegMethods = try XCTUnwrap(o["jpg_method"] as? [String]).compactMap(JPEGMethod.init(rawValue:))
            opts.jpegQualities = try XCTUnwrap(o["jpg_qual"] as? [Int])
            let size = try XCTUnwrap(o["cropSize"] as? Int)
            switch o["crop"] as? String {
            case "center": opts.crop = .center(size)
            case "random": opts.crop = .random(size)
            default: opts.crop = .none
            }
            opts.flip = false
            let pipeline = try AugmentationPipeline(options: opts)
            let input = try ImageDecoder.decode(path: data.appendingPathComponent(rel).path).image
            var rng = SeededRandom(seed: 0)
            let out = try pipeline.augment(input, using: &rng)
            let label = "\(rel) \(name)"
            XCTAssertEqual(out.height, c["out_h"] as? Int, label); XCTAssertEqual(out.width, c["out_w"] as? Int, label)
            XCTAssertEqual(sha256Hex(out.pixels), c["uint8_sha256"] as? String, "\(label): uint8 image differs")
            let t = pipeline.normalization.chw(out)
            let tensorBytes = t.withUnsafeBytes { [UInt8]($0) }  // little-endian float32, as numpy's
            XCTAssertEqual(sha256Hex(tensorBytes), c["tensor_sha256"] as? String, "\(label): tensor differs")
        }
    }

    /// The decoded example equals the array the fixture script read with Pillow.
    func testDecodedExampleMatchesFixtureInput() throws {
        let path = OpsFixtures.root.appendingPathComponent("../shared/data/examples/real.png").path
        XCTAssertEqual(try ImageDecoder.decode(path: path).image, try OpsFixtures.image("in_real_256.npy"))
    }
}
