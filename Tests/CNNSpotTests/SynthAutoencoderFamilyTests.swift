import Foundation
import XCTest
import CNNSpot

/// `ae-*` families: brief training on real patches, weights file, spectrum traces, determinism.
final class SynthAutoencoderFamilyTests: XCTestCase {
    static let trainable = AutoencoderFamily.ups

    /// Train on 16 real patches (64x64 crops of 128x128 centres), reconstruct them.
    func testFakesCarryUpsamplingPeaksAndKeepContent() throws {
        let reals = try SynthTestPatches.load(count: 16, size: 128)
        let realPeak = try SynthTestPatches.peakStrength(reals)
        for up in Self.trainable {
            let dir = try makeTempDir(self)
            let family = try AutoencoderFamily(up: up)
            let t0 = Date()
            try family.prepare(patches: reals, directory: dir.path)
            let trainSeconds = Date().timeIntervalSince(t0)
            let fakes = try reals.map { try family.fake(of: $0, seed: 0) }
            let psnr = zip(reals, fakes).map { SynthTensor.psnr($0, $1) }.sorted()
            let fakePeak = try SynthTestPatches.peakStrength(fakes)
            print(
                "ae-\(up): trained in \(trainSeconds) s; peak strength fakes \(fakePeak) vs reals \(realPeak); PSNR \(psnr.min()!)..\(psnr.max()!) dB, median \(psnr.sorted()[psnr.count / 2])"
            )
            XCTAssertGreaterThan(fakePeak, realPeak + 0.15, "ae-\(up): up-sampling peaks of the fakes")
            // Measured (release, 300 steps): median 20.1 (transposed) to 22.3 dB; worst patch 11.9 dB
            // (ae-transposed, a brief training leaves some colour error), the others >= 16.4 dB.
            XCTAssertGreaterThan(psnr.min()!, 10, "ae-\(up): content kept on every patch")
            XCTAssertGreaterThan(psnr[psnr.count / 2], 18, "ae-\(up): content kept, median patch")
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("ae-\(up).safetensors").path))
        }
    }
}

extension SynthAutoencoderFamilyTests {
    static var quick: AutoencoderTraining {
        var t = AutoencoderTraining()
        t.steps = 6; t.batch = 2; t.crop = 32; t.width = 8
        return t
    }

    func testTrainingAndFakesAreTheSameBytesForOneAndTwoThreads() throws {
        let reals = try SynthTestPatches.load(count: 3, size: 64)
        for up in Self.trainable {
            let a = try AutoencoderFamily(up: up, training: Self.quick), b = try AutoencoderFamily(up: up, training: Self.quick)
            let da = try makeTempDir(self), db = try makeTempDir(self)
            try SynthTestPatches.withThreads(1) { try a.prepare(patches: reals, directory: da.path) }
            try SynthTestPatches.withThreads(2) { try b.prepare(patches: reals, directory: db.path) }
            let fa = try Data(contentsOf: da.appendingPathComponent("ae-\(up).safetensors"))
            let fb = try Data(contentsOf: db.appendingPathComponent("ae-\(up).safetensors"))
            XCTAssertEqual(fa, fb, "ae-\(up): weights trained under 1 and 2 threads")
            let one = try SynthTestPatches.withThreads(1) { try a.fake(of: reals[0], seed: 0) }
            let two = try SynthTestPatches.withThreads(2) { try b.fake(of: reals[0], seed: 0) }
            XCTAssertEqual(one, two, "ae-\(up): fake under 1 and 2 threads")
        }
    }

    func testWeightsFileIsReusedOnlyForTheSamePatchesAndSettings() throws {
        let reals = try SynthTestPatches.load(count: 3, size: 64)
        let dir = try makeTempDir(self)
        let file = dir.appendingPathComponent("ae-nearest.safetensors")
        let first = try AutoencoderFamily(up: "nearest", training: Self.quick)
        try first.prepare(patches: reals, directory: dir.path)
        let fake = try first.fake(of: reals[1], seed: 0)
        let written = try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as! Date
        // A second run over the same patches loads the file: same fakes, file untouched.
        let again = try AutoencoderFamily(up: "nearest", training: Self.quick)
        try again.prepare(patches: reals, directory: dir.path)
        XCTAssertEqual(try again.fake(of: reals[1], seed: 0), fake)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date, written)
        XCTAssertTrue(again.settings.contains("weights=ae-nearest.safetensors"), again.settings)
        // Other patches: retrained, other weights.
        let other = try AutoencoderFamily(up: "nearest", training: Self.quick)
        try other.prepare(patches: Array(reals.reversed().prefix(2)), directory: dir.path)
        let meta = try Checkpoint.load(path: file.path).metadata
        XCTAssertEqual(meta["patches"], "2")
        XCTAssertNotEqual(try other.fake(of: reals[1], seed: 0), fake)
    }

    func testErrorsNameTheProblem() throws {
        let family = try AutoencoderFamily(up: "nearest", training: Self.quick)
        XCTAssertThrowsError(try family.fake(of: RGBImage(width: 16, height: 16), seed: 0)) { XCTAssertTrue("\($0)".contains("prepare"), "\($0)") }
        XCTAssertThrowsError(try family.prepare(patches: [], directory: NSTemporaryDirectory())) {
            XCTAssertTrue("\($0)".contains("no training patches"), "\($0)")
        }
        XCTAssertThrowsError(try AutoencoderFamily(up: "bicubic"))
        let dir = try makeTempDir(self)
        try Data("not a safetensors file".utf8).write(to: dir.appendingPathComponent("ae-nearest.safetensors"))
        XCTAssertThrowsError(try family.prepare(patches: try SynthTestPatches.load(count: 1, size: 64), directory: dir.path)) {
            XCTAssertTrue("\($0)".contains("ae-nearest"), "\($0)")
        }
    }
}

extension SynthAutoencoderFamilyTests {
    /// The inference network (our generator primitives) and the trainable one (the training
    /// layers) are two implementations of one `AutoencoderSpec`: same weights, same output.
    func testInferenceNetworkEqualsTrainableNetwork() throws {
        let x = SynthTensor.tensor(try SynthTestPatches.load(count: 1, size: 32)[0])
        for kind in UpsamplingKind.allCases {
            let spec = AutoencoderSpec(kind: kind, width: 8)
            let trainable = try TrainableAutoencoder(spec: spec, seed: 5)
            let want = try trainable.forward(Tensor(x), mode: .eval).host
            let got = try GeneratorAutoencoder(spec: spec, weights: trainable.stateDict()).forward(x)
            XCTAssertEqual(got.shape, want.shape)
            let worst = assertClose(got.data.map(Double.init), want.data.map(Double.init), tolerance: 1e-5, "\(kind)")
            print("autoencoder \(kind): worst |inference - trainable| \(worst)")
        }
    }
}
