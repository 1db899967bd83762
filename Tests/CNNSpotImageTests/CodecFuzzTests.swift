import Foundation
import XCTest
import CNNSpotImage

/// Seeded mutations of valid files (byte flips, overwritten runs, cuts, inserted bytes) must
/// give either an image of the declared size or an `ImageError`: never a crash, a hang, or
/// another error type. Runs in well under a second per file.
final class CodecFuzzTests: XCTestCase {
    /// SplitMix64: a fixed sequence, so a failure reproduces.
    private struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func testMutatedFilesNeverCrash() throws {
        var rng = SplitMix(state: 2020)
        let files = [
            "png_rgb8_interlaced.png", "png_pal4_trns.png", "png_grey16.png", "jpeg_progressive.jpg",
            "jpeg_ycck.jpg", "jpeg_422.jpg", "webp_lossy_alpha.webp", "webp_lossless.webp", "orient6.jpg"
        ]
        var decoded = 0, refused = 0
        let start = Date()
        for name in files {
            let original = try CodecFixtures.bytes(name)
            for trial in 0..<250 {
                var d = original
                switch trial % 4 {
                case 0:
                    for _ in 0..<Int.random(in: 1...4, using: &rng) {
                        d[Int.random(in: 0..<d.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
                    }
                case 1:
                    let at = Int.random(in: 0..<d.count, using: &rng)
                    for i in at..<min(d.count, at + Int.random(in: 1...16, using: &rng)) { d[i] = UInt8.random(in: 0...255, using: &rng) }
                case 2:
                    d = Array(d.prefix(Int.random(in: 0..<d.count, using: &rng)))
                default:
                    d.insert(
                        contentsOf: (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) },
                        at: Int.random(in: 0...d.count, using: &rng))
                }
                do {
                    let out = try ImageDecoder.decode(
                        data: d, name: "\(name)#\(trial)",
                        options: DecodeOptions(limits: ImageLimits(maxPixels: 1 << 20), applyEXIFOrientation: true))
                    XCTAssertEqual(out.image.pixels.count, out.image.width * out.image.height * 3)
                    decoded += 1
                } catch is ImageError {
                    refused += 1
                } catch {
                    XCTFail("\(name)#\(trial): unexpected error type \(error)")
                }
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("codec fuzz: \(decoded) mutants decoded, \(refused) refused with ImageError, \(String(format: "%.2f", seconds)) s")
        XCTAssertEqual(decoded + refused, files.count * 250)
        XCTAssertLessThan(seconds, 60, "decoding mutants took too long (hang?)")
    }

    /// The same damaged files through Pillow (verdict and pixels recorded by the fixture
    /// script) and through us: same verdict (decode or refuse) and, when decoded, same pixels.
    func testMutantsAgainstPillowsVerdict() throws {
        let manifest = try CodecFixtures.manifest()
        XCTAssertGreaterThanOrEqual(manifest.mutants.count, 400)
        var bothOK = 0, samePixels = 0, bothError = 0, weAccept: [String] = [], weRefuse: [String] = []
        for (k, m) in manifest.mutants.enumerated() {
            var d = try CodecFixtures.bytes(m.file)
            if let cut = m.cut { d = Array(d.prefix(cut)) }
            for flip in m.xor ?? [] { d[flip[0]] ^= UInt8(flip[1]) }
            let label = "\(m.file) mutant \(k) \(m.cut.map { "cut \($0)" } ?? "xor \(m.xor ?? [])")"
            do {
                let out = try ImageDecoder.decode(data: d, name: label)
                if m.pillow == "ok" {
                    bothOK += 1
                    if CodecSHA256.hex(out.image.pixels) == m.sha256 {
                        samePixels += 1
                    } else {
                        XCTFail("\(label): both decode, pixels differ from Pillow's")
                    }
                } else {
                    weAccept.append("\(label) [Pillow: \(m.pillow_error ?? "")]")
                }
            } catch let e as ImageError {
                if m.pillow == "error" { bothError += 1 } else { weRefuse.append("\(label) [we: \(e.reason) \(e.detail)]") }
            }
        }
        print(
            "codec mutants vs Pillow: \(bothOK) both decode (\(samePixels) pixel-identical), \(bothError) both refuse, "
                + "\(weAccept.count) only we decode, \(weRefuse.count) only Pillow decodes")
        for s in weAccept { print("  only we decode: \(s)") }
        for s in weRefuse { print("  only Pillow decodes: \(s)") }
        XCTAssertEqual(samePixels, bothOK, "where both decode, pixels must be identical")
        // Measured with Pillow 13.0.0: full agreement on all mutants, so any disagreement fails.
        XCTAssertEqual(weAccept.count, 0, "mutants Pillow refuses but we decode")
        XCTAssertEqual(weRefuse.count, 0, "mutants Pillow decodes but we refuse")
    }
}
