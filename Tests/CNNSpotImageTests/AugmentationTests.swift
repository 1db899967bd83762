import CNNSpotImage
import XCTest

/// The seeded training / validation / test transforms: determinism, decision order,
/// distributions of the draws (properties that fail if a step is dropped, reordered or
/// mis-parameterised), and equality with the composition of the individually verified ops.
final class AugmentationTests: XCTestCase {
    /// Records JPEG calls and marks the image so the step is visible (jpeg prob tests run
    /// before the real codecs are wired in).
    final class FakeJPEG: @unchecked Sendable {
        var calls: [(Int, JPEGMethod)] = []
        func callAsFunction(_ img: RGBImage, _ q: Int, _ m: JPEGMethod) throws -> RGBImage {
            calls.append((q, m))
            var out = img
            out.pixels[0] = UInt8(q)
            return out
        }
    }

    func testSameSeedSameOutputDifferentSeedDiffers() throws {
        let img = try OpsFixtures.image("in_real_256.npy")
        var opts = AugmentationOptions.blurJPEG(prob: 0.5)
        opts.jpegProb = 0
        opts.interpolations = Interpolation.allCases
        let p = try AugmentationPipeline(options: opts)
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42)
        var outputs: [[Float]] = []
        for _ in 0..<4 {
            let x = try p.tensor(img, using: &a), y = try p.tensor(img, using: &b)
            XCTAssertEqual(x.height, 224); XCTAssertEqual(x.width, 224)
            XCTAssertEqual(x.chw.count, 3 * 224 * 224)
            XCTAssertEqual(x.chw, y.chw)
            outputs.append(x.chw)
        }
        XCTAssertGreaterThan(Set(outputs.map { $0.hashValue }).count, 1, "successive draws differ")
    }

    /// `tensor` / `write` fuse crop + flip + normalisation; they must equal normalising the
    /// uint8 result of `augment` for the same draws (bit for bit).
    func testFusedTensorEqualsAugmentThenNormalize() throws {
        let img = try OpsFixtures.image("in_fake_80x96.npy")
        for crop in [CropMode.random(40), .center(70), .center(90), .none] {
            var o = AugmentationOptions.blurJPEG(prob: 0.5)
            o.loadSize = 64
            o.interpolations = Interpolation.allCases
            o.crop = crop
            let p = try AugmentationPipeline(options: o)
            var a = SeededRandom(seed: 11), b = SeededRandom(seed: 11), c = SeededRandom(seed: 11)
            for _ in 0..<12 {
                let u8 = try p.augment(img, using: &a)
                let t = try p.tensor(img, using: &b)
                XCTAssertEqual(t.height, u8.height); XCTAssertEqual(t.width, u8.width)
                XCTAssertEqual(t.chw, TensorNormalization.imageNet.chw(u8), "\(crop)")
                var batch = [Float](repeating: .nan, count: 2 * t.chw.count)
                let size = try p.write(img, into: &batch, index: 1, using: &c)
                XCTAssertTrue(size == (t.height, t.width))
                XCTAssertEqual(Array(batch[t.chw.count...]), t.chw)
            }
        }
    }

    /// Decision order: interpolation, blur?, sigma, jpeg?, method, quality, crop top, crop left, flip.
    func testDecisionOrderFollowsReference() throws {
        var o = AugmentationOptions.blurJPEG(prob: 0.5)
        o.interpolations = [.bilinear, .bicubic, .lanczos, .nearest]
        let fake = FakeJPEG()
        let p = try AugmentationPipeline(options: o, jpeg: { try fake($0, $1, $2) })
        for seed in 0..<50 as Range<UInt64> {
            var rng = SeededRandom(seed: seed), ref = SeededRandom(seed: seed)
            let d = try p.draw(width: 300, height: 260, using: &rng)
            let interp = ref.choice(o.interpolations)
            var sigma: Double?, method: JPEGMethod?, quality: Int?
            if ref.uniform() < 0.5 { sigma = ref.uniform() * 3 }
            if ref.uniform() < 0.5 { method = ref.choice(o.jpegMethods); quality = ref.choice(o.jpegQualities) }
            // 300x260 -> shorter side 256 -> 295x256.
            let top = ref.integer(in: 0...(256 - 224)), left = ref.integer(in: 0...(295 - 224))
            let flip = ref.uniform() < 0.5
            XCTAssertEqual(
                d,
                AugmentationDraws(
                    interpolation: interp, blurSigma: sigma, jpegQuality: quality,
                    jpegMethod: method, cropTop: top, cropLeft: left, flip: flip))
        }
    }

    func testDrawDistributions() throws {
        var o = AugmentationOptions.blurJPEG(prob: 0.3)
        o.interpolations = Interpolation.allCases
        let p = try AugmentationPipeline(options: o, jpeg: { [fake = FakeJPEG()] in try fake($0, $1, $2) })
        var rng = SeededRandom(seed: 2024)
        let n = 20000
        var blur = 0, jpeg = 0, flips = 0, sigmas: [Double] = [], qualities = Set<Int>(), methods = [JPEGMethod: Int]()
        var interps = [Interpolation: Int](), tops = Set<Int>()
        for _ in 0..<n {
            let d = try p.draw(width: 256, height: 256, using: &rng)
            interps[d.interpolation, default: 0] += 1
            if let s = d.blurSigma { blur += 1; sigmas.append(s) }
            if let q = d.jpegQuality { jpeg += 1; qualities.insert(q); methods[d.jpegMethod!, default: 0] += 1 }
            if d.flip { flips += 1 }
            tops.insert(d.cropTop!)
        }
        // Binomial standard deviation for n = 20000, p = 0.3 is 0.0032; allow 5 sd.
        XCTAssertEqual(Double(blur) / Double(n), 0.3, accuracy: 0.016)
        XCTAssertEqual(Double(jpeg) / Double(n), 0.3, accuracy: 0.016)
        XCTAssertEqual(Double(flips) / Double(n), 0.5, accuracy: 0.018)
        XCTAssertEqual(qualities, Set(30...100), "quality is an inclusive integer range")
        XCTAssertEqual(methods.count, 2)
        XCTAssertEqual(Set(interps.keys), Set(Interpolation.allCases))
        XCTAssertGreaterThanOrEqual(sigmas.min()!, 0); XCTAssertLessThan(sigmas.max()!, 3)
        XCTAssertEqual(sigmas.reduce(0, +) / Double(sigmas.count), 1.5, accuracy: 0.05)
        XCTAssertEqual(tops, Set(0...32), "RandomCrop top in 0...(256 - 224)")
    }

    /// Validation = fixed mid values, center crop, no flip; equal to composing the verified ops.
    func testValidationEqualsComposition() throws {
        let img = try OpsFixtures.image("in_fake_80x96.npy")
        var train = AugmentationOptions.blurJPEG(prob: 1)
        train.loadSize = 60
        train.crop = .random(50)
        let val = train.validation()
        XCTAssertEqual(val.blurSigma, [1.5]); XCTAssertEqual(val.jpegQualities, [65])
        XCTAssertEqual(val.jpegMethods, [.pil]); XCTAssertEqual(val.crop, .center(50)); XCTAssertFalse(val.flip)
        let fake = FakeJPEG()
        let p = try AugmentationPipeline(options: val, jpeg: { try fake($0, $1, $2) })
        var rng = SeededRandom(seed: 9)
        let got = try p.augment(img, using: &rng)
        XCTAssertEqual(fake.calls.count, 1); XCTAssertEqual(fake.calls.first?.0, 65); XCTAssertEqual(fake.calls.first?.1, .pil)
        var want = try resizeShorterSide(img, to: 60, interpolation: .bilinear)
        XCTAssertEqual(want.width, 72)
        want = try gaussianBlur(want, sigma: 1.5)
        want = try FakeJPEG()(want, 65, .pil)
        want = try centerCrop(want, height: 50, width: 50)
        XCTAssertEqual(got, want)
    }

    func testTestTimeVariants() throws {
        let img = try OpsFixtures.image("in_real_256.npy")
        var rng = SeededRandom(seed: 1)
        let full = try AugmentationPipeline(options: .test(centerCrop: nil))
        XCTAssertEqual(try full.augment(img, using: &rng), img)
        let cropped = try AugmentationPipeline(options: .test(centerCrop: 224))
        XCTAssertEqual(try cropped.augment(img, using: &rng), try crop(img, top: 16, left: 16, height: 224, width: 224))
        var batch = [Float](repeating: 0, count: 2 * 3 * 224 * 224)
        try cropped.write(img, into: &batch, index: 1, using: &rng)
        XCTAssertEqual(Array(batch[(3 * 224 * 224)...]), TensorNormalization.imageNet.chw(try crop(img, top: 16, left: 16, height: 224, width: 224)))
    }

    func testRejectsBadOptions() {
        var o = AugmentationOptions()
        o.jpegQualities = [0, 50]
        XCTAssertThrowsError(try AugmentationPipeline(options: o)) { XCTAssertTrue("\($0)".contains("JPEG"), "\($0)") }
        o = AugmentationOptions(); o.blurSigma = [0, 1, 2]
        XCTAssertThrowsError(try AugmentationPipeline(options: o))
        o = AugmentationOptions(); o.jpegMethods = []
        XCTAssertThrowsError(try AugmentationPipeline(options: o))
        o = AugmentationOptions(); o.blurProb = 1.5
        XCTAssertThrowsError(try AugmentationPipeline(options: o))
        var rng = SeededRandom(seed: 0)
        o = AugmentationOptions(); o.loadSize = nil
        XCTAssertThrowsError(try AugmentationPipeline(options: o).augment(RGBImage(width: 100, height: 100), using: &rng))
    }
}

final class SeededRandomTests: XCTestCase {
    func testIntegerRangeIsUniformAndInclusive() {
        var r = SeededRandom(seed: 5)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70000 { counts[r.integer(in: 3...9) - 3] += 1 }
        // Expected 10000 each, sd ~ 93; allow 5 sd.
        for c in counts { XCTAssertEqual(Double(c), 10000, accuracy: 470) }
        var u = SeededRandom(seed: 6)
        let xs = (0..<10000).map { _ in u.uniform() }
        XCTAssertGreaterThanOrEqual(xs.min()!, 0); XCTAssertLessThan(xs.max()!, 1)
        XCTAssertEqual(xs.reduce(0, +) / 1e4, 0.5, accuracy: 0.015)
    }

    func testStreamsAreIndependentOfOrder() {
        var a = SeededRandom(seed: 3, stream: 10), b = SeededRandom(seed: 3, stream: 10), c = SeededRandom(seed: 3, stream: 11)
        let x = a.next()
        XCTAssertEqual(x, b.next())
        XCTAssertNotEqual(x, c.next())
    }
}
