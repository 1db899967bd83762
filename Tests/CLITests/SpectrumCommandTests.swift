import CNNSpot
import Foundation
import XCTest

/// `cnnspot spectrum` on a minisynths set and a plain folder: files, shapes, figures, and the
/// up-sampling peaks of the fakes in its summary.
final class SpectrumCommandTests: XCTestCase {
    func testSetAndFolderSpectra() throws {
        let dir = try CLI.temporaryDirectory("spectrum")
        defer { try? FileManager.default.removeItem(at: dir) }
        let set = CLI.shared.appendingPathComponent("minisynths/test/srvgg").path
        let folder = CLI.shared.appendingPathComponent("minisynths/test/cyclegan/1_fake").path
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["spectrum", set, folder, "-o", out.path, "--max-images", "4"])
        XCTAssertEqual(r.code, 0, r.stderr + r.stdout)
        for name in ["srvgg_real", "srvgg_fake", "cyclegan_1_fake"] {
            let npy = try NpyArray.read(from: out.appendingPathComponent("\(name).npy"))
            XCTAssertEqual(npy.shape, [256, 256], name)
            XCTAssertTrue(npy.doubles.allSatisfy(\.isFinite), name)
            XCTAssertGreaterThan(try ImageDecoder.decode(path: out.appendingPathComponent("\(name).png").path).image.width, 256)
        }
        for name in ["srvgg.png", "spectra.png"] {
            let img = try ImageDecoder.decode(path: out.appendingPathComponent(name).path).image
            XCTAssertGreaterThan(img.width, 2 * 256, name)
        }
        // The summary's peak strength: srvgg's fakes (4x pixel-shuffle up-sampling) stand out.
        func strength(_ title: String) throws -> Double {
            let line = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix(title + ":") }, r.stdout)
            return try XCTUnwrap(Double(line.split(separator: " ").last!))
        }
        let real = try strength("srvgg real"), fake = try strength("srvgg fake")
        print("spectrum CLI: srvgg peak strength real \(real), fake \(fake)")
        XCTAssertGreaterThan(fake - real, 0.5)
        // The .npy holds the library's result for the same images.
        let sources = try SpectrumReport.sources(of: set, maxImages: 4)
        let lib = try SpectrumReport.compute(sources[1], settings: SpectrumReport.Settings())
        XCTAssertEqual(try NpyArray.read(from: out.appendingPathComponent("srvgg_fake.npy")).doubles, lib.planes[0])
    }

    func testRGBAndUsageErrors() throws {
        let dir = try CLI.temporaryDirectory("spectrum-rgb")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = CLI.shared.appendingPathComponent("examples").path
        let r = try CLI.run(["spectrum", folder, "-o", dir.path, "--rgb", "--size", "64", "--scale", "db"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(try NpyArray.read(from: dir.appendingPathComponent("examples.npy")).shape, [3, 64, 64])
        let bad = try CLI.run(["spectrum", folder, "-o", dir.path, "--scale", "linear"])
        XCTAssertEqual(bad.code, 64); XCTAssertTrue(bad.stderr.contains("--scale"), bad.stderr)
        let none = try CLI.run(["spectrum", dir.appendingPathComponent("missing").path, "-o", dir.path])
        XCTAssertNotEqual(none.code, 0); XCTAssertTrue(none.stderr.contains("missing"), none.stderr)
    }
}
