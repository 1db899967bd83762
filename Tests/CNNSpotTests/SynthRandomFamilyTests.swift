import Foundation
import XCTest
import CNNSpot

/// `random-*` families on real photo patches: spectrum traces, content kept, determinism.
final class SynthRandomFamilyTests: XCTestCase {
    /// The spectrum tool's up-sampling peak strength (`SpectrumReport.upsamplingPeakStrength`,
    /// 15 frequencies at multiples of 1/4 cycle per pixel) of the fakes against the same real
    /// patches, one freshly drawn decoder per patch. Control: the reals plus white noise of a
    /// residual's RMS (4 grey levels) stay at the reals' level, so what the measure sees in the
    /// fakes is periodic, not just added detail. Measured (16 patches of 128x128): reals -0.007,
    /// noisy reals about the same, fakes 0.22 (nearest) to 2.3 (pixel shuffle).
    func testFakesCarryUpsamplingPeaksAndKeepContent() throws {
        let reals = try SynthTestPatches.load(count: 16, size: 128)
        let realPeak = try SynthTestPatches.peakStrength(reals)
        var noise = InitRandom(seed: 42)
        let noisy = reals.map { im in
            RGBImage(width: im.width, height: im.height, pixels: im.pixels.map { UInt8(max(0, min(255, (Double($0) + 4 * noise.normal()).rounded()))) })
        }
        let noisyPeak = try SynthTestPatches.peakStrength(noisy)
        print("reals: peak strength \(realPeak); reals + white noise (4 grey levels RMS) \(noisyPeak)")
        XCTAssertLessThan(abs(noisyPeak - realPeak), 0.05, "white noise adds no up-sampling peaks")
        for up in RandomDecoderFamily.ups {
            let family = try RandomDecoderFamily(up: up)
            let fakes = try reals.enumerated().map { try family.fake(of: $1, seed: UInt64(1000 + $0)) }
            XCTAssertEqual(fakes.map { [$0.width, $0.height] }, reals.map { [$0.width, $0.height] })
            let psnr = zip(reals, fakes).map { SynthTensor.psnr($0, $1) }
            let fakePeak = try SynthTestPatches.peakStrength(fakes)
            print(
                "random-\(up): peak strength fakes \(fakePeak) vs reals \(realPeak); PSNR vs real \(psnr.min()!)..\(psnr.max()!) dB, median \(psnr.sorted()[psnr.count / 2])"
            )
            XCTAssertGreaterThan(fakePeak, max(realPeak, noisyPeak) + 0.15, "random-\(up): up-sampling peaks of the fakes")
            XCTAssertGreaterThan(psnr.min()!, 15, "random-\(up): content kept")
            XCTAssertLessThan(psnr.max()!, 45, "random-\(up): the fake differs from the real")
        }
    }

    func testSameSeedSameBytesForOneAndTwoThreads() throws {
        let patch = try SynthTestPatches.load(count: 1, size: 96)[0]
        for up in RandomDecoderFamily.ups {
            let family = try RandomDecoderFamily(up: up)
            for seed: UInt64 in [3, 4, 5] {
                let one = try SynthTestPatches.withThreads(1) { try family.fake(of: patch, seed: seed) }
                let two = try SynthTestPatches.withThreads(2) { try family.fake(of: patch, seed: seed) }
                XCTAssertEqual(one, two, "random-\(up) seed \(seed): 1 vs 2 threads")
                XCTAssertEqual(family.settings(forSeed: seed), family.settings(forSeed: seed))
            }
            let a = try family.fake(of: patch, seed: 3), b = try family.fake(of: patch, seed: 4)
            XCTAssertNotEqual(a, b, "random-\(up): different seeds draw different decoders")
        }
    }

    func testSettingsNameTheDrawAndTransposedCoversBothKernels() throws {
        let family = try RandomDecoderFamily(up: "transposed")
        let kinds = Set((0..<40).map { family.settings(forSeed: UInt64($0)).split(separator: ";")[0] })
        XCTAssertEqual(kinds, ["kind=transposed-k4", "kind=transposed-k3"])
        let s = family.settings(forSeed: 9)
        for key in ["reduce=", "width=", "act=", "norm=", "residual_rms=", "seed=9"] { XCTAssertTrue(s.contains(key), s) }
        XCTAssertThrowsError(try RandomDecoderFamily(up: "bicubic"))
    }

    func testOddSizesAndTinyPatches() throws {
        let patch = try SynthTestPatches.load(count: 1, size: 96)[0]
        var odd = RGBImage(width: 45, height: 29)
        for y in 0..<29 { for x in 0..<45 { for c in 0..<3 { odd[x, y, c] = patch[x, y, c] } } }
        let family = try RandomDecoderFamily(up: "pixelshuffle")
        for seed: UInt64 in 0..<6 {
            let f = try family.fake(of: odd, seed: seed)
            XCTAssertEqual([f.width, f.height], [45, 29])
        }
        XCTAssertThrowsError(try family.fake(of: RGBImage(width: 1, height: 1), seed: 0))
    }
}
