import Foundation
import XCTest
import CNNSpot

/// TAEF2 through our core against PyTorch (scripts/fixtures/make_taef2_fixtures.py: the same
/// network written from models/taef2/README.md, the .pth loaded with strict=True, float32 CPU),
/// and against the upstream-made fakes of minisynths2.
final class SynthTAEF2Tests: XCTestCase {
    static let fixtures = TestPaths.root.appendingPathComponent("Fixtures/taef2")
    static let cases = ["square256", "square128", "wide104x168"]
    nonisolated(unsafe) static var shared: TAEF2Family?

    static func family() throws -> TAEF2Family {
        if let f = shared { return f }
        let f = try TAEF2Family(directory: TestPaths.root.appendingPathComponent("models/taef2").path)
        shared = f
        return f
    }

    static func patch(_ name: String) throws -> RGBImage {
        let a = try NpyArray.read(from: fixtures.appendingPathComponent("\(name)/input.npy"))
        guard case .uint8(let px) = a.values, a.shape.count == 3, a.shape[2] == 3 else { throw NpyError.badShape("input \(a.shape)") }
        return RGBImage(width: a.shape[1], height: a.shape[0], pixels: px)
    }

    func testLatentsAndOutputMatchPyTorch() throws {
        let family = try Self.family()
        for name in Self.cases {
            let patch = try Self.patch(name)
            let z = try NpyArray.read(from: Self.fixtures.appendingPathComponent("\(name)/latents.npy"))
            let y = try NpyArray.read(from: Self.fixtures.appendingPathComponent("\(name)/output.npy"))
            let (ours, out) = try family.run(SynthTensor.tensor(patch))
            XCTAssertEqual(ours.shape, z.shape, "\(name) latents shape")
            XCTAssertEqual(out.shape, y.shape, "\(name) output shape")
            // Measured worst 6.7e-6 (latents, about -5..5) and 6.4e-6 (output, about 0..1); 5e-5 allowed.
            let ez = assertClose(ours.data.map(Double.init), z.doubles, tolerance: 5e-5, "\(name) latents")
            let ey = assertClose(out.data.map(Double.init), y.doubles, tolerance: 5e-5, "\(name) output")
            print("taef2 \(name): worst |latent - torch| \(ez), worst |output - torch| \(ey)")
        }
    }

    func testPixelsMatchPyTorchWithinOneGreyLevel() throws {
        let family = try Self.family()
        for name in Self.cases {
            let patch = try Self.patch(name)
            let ref = try NpyArray.read(from: Self.fixtures.appendingPathComponent("\(name)/pixels.npy"))
            guard case .uint8(let want) = ref.values else { return XCTFail("pixels dtype") }
            let fake = try family.fake(of: patch, seed: 1)
            XCTAssertEqual([fake.height, fake.width, 3], ref.shape, name)
            let diffs = zip(fake.pixels, want).map { abs(Int($0) - Int($1)) }
            let off = diffs.filter { $0 > 0 }.count
            XCTAssertLessThanOrEqual(diffs.max() ?? 99, 1, "\(name): worst pixel difference")
            XCTAssertLessThan(Double(off) / Double(diffs.count), 0.001, "\(name): share of pixels off by one")
            print("taef2 \(name): \(off) of \(diffs.count) pixel values differ by 1 from PyTorch; PSNR vs real \(SynthTensor.psnr(patch, fake)) dB")
        }
    }

    /// The upstream code made minisynths2's taef2 fakes (torch CPU, float latents): ours should
    /// agree to a grey level, as the shared README's NumPy check did.
    func testMatchesMinisynths2Fakes() throws {
        let family = try Self.family()
        let dir = TestPaths.sharedData.appendingPathComponent("minisynths2/test/taef2")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("0_real").path).sorted().prefix(2)
        XCTAssertEqual(names.count, 2)
        for n in names {
            let real = try ImageDecoder.decode(path: dir.appendingPathComponent("0_real/\(n)").path).image
            let want = try ImageDecoder.decode(path: dir.appendingPathComponent("1_fake/\(n)").path).image
            let fake = try family.fake(of: real, seed: 0)
            let worst = zip(fake.pixels, want.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 99
            XCTAssertLessThanOrEqual(worst, 2, "\(n): worst difference to the upstream fake")
        }
    }

    func testOddSizePatchIsPaddedAndCroppedBack() throws {
        let family = try Self.family()
        let patch = try Self.patch("square128")
        var odd = RGBImage(width: 61, height: 37)
        for y in 0..<37 { for x in 0..<61 { for c in 0..<3 { odd[x, y, c] = patch[x, y, c] } } }
        let fake = try family.fake(of: odd, seed: 0)
        XCTAssertEqual([fake.width, fake.height], [61, 37])
        XCTAssertGreaterThan(SynthTensor.psnr(odd, fake), 18)
        XCTAssertThrowsError(try family.fake(of: RGBImage(width: 4, height: 40), seed: 0))
    }

    func testMissingWeightsNameTheFolder() {
        XCTAssertThrowsError(try TAEF2Family(directory: "/nonexistent/taef2")) { e in
            XCTAssertTrue("\(e)".contains("/nonexistent/taef2"), "\(e)")
        }
    }
}
