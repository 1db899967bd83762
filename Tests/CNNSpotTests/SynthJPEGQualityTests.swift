import CNNSpot
import Foundation
import XCTest

/// The JPEG side of `--jpeg-align`: tables read as Pillow reads them, the IJG quality estimate,
/// re-encoding with a source's tables, and the block-grid phase under EXIF orientations.
final class SynthJPEGQualityTests: XCTestCase {
    static let fixtures = TestPaths.root.appendingPathComponent("Fixtures/synth")

    struct Expected: Decodable {
        var quality: Int; var exact: Bool; var sampling: String; var tables: [String: [UInt16]]
        var width: Int; var height: Int; var orientation: Int?
    }

    func expected() throws -> [String: Expected] {
        try JSONDecoder().decode([String: Expected].self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("expected.json")))
    }

    func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(name))) }

    func testTransposedTables() throws {
        let q = try JPEGQuantization.read(data: try bytes("q075_422.jpg"), name: "q075_422.jpg")
        let t = q.transposed()
        XCTAssertEqual(t.samplingName, "1x2,1x1,1x1")
        XCTAssertEqual([t.mcuWidth, t.mcuHeight], [q.mcuHeight, q.mcuWidth])
        XCTAssertEqual(t.luminance[1], q.luminance[8]); XCTAssertEqual(t.luminance[8], q.luminance[1])
        XCTAssertEqual(t.transposed(), q)
    }

    func testTablesAndQualityOfPillowJPEGs() throws {
        let all = try expected()
        XCTAssertEqual(all.count, 22)
        for (name, e) in all.sorted(by: { $0.key < $1.key }) {
            let q = try JPEGQuantization.read(data: try bytes(name), name: name)
            XCTAssertEqual(q.width, e.width, name); XCTAssertEqual(q.height, e.height, name)
            for (k, table) in e.tables { XCTAssertEqual(q.tables[Int(k)!], table, "\(name) table \(k)") }
            XCTAssertEqual(q.tables.compactMap { $0 }.count, e.tables.count, name)
            let sampling = name.contains("grey") ? "grey" : e.sampling
            XCTAssertEqual(q.samplingName, sampling, name)
            let est = q.ijgQuality
            XCTAssertEqual(est.quality, e.quality, name)
            XCTAssertEqual(est.exact, e.exact, name)
        }
    }

    /// Our estimate against the photo pool's `jpeg_quality` column (its maintainers' estimate;
    /// `~` there would mark inexact tables, and none of the 660 has it).
    func testQualityMatchesPhotoPoolManifest() throws {
        let root = TestPaths.sharedData.appendingPathComponent("photos")
        let text = try String(contentsOf: root.appendingPathComponent("MANIFEST.csv"), encoding: .utf8)
        let rows = SynthTestData.csv(text)
        let header = rows[0]
        let file = header.firstIndex(of: "file")!, quality = header.firstIndex(of: "jpeg_quality")!, chroma = header.firstIndex(of: "chroma")!
        var agree = 0, exact = 0, chromaAgree = 0
        var disagreements: [String] = []
        for row in rows.dropFirst() {
            let data = [UInt8](try Data(contentsOf: root.appendingPathComponent(row[file])))
            let q = try JPEGQuantization.read(data: data, name: row[file])
            let est = q.ijgQuality
            if est.exact { exact += 1 }
            if String(est.quality) == row[quality] { agree += 1 } else { disagreements.append("\(row[file]): \(est) vs \(row[quality])") }
            let ours = ["4:2:0", "4:2:2", "4:4:4"].contains(q.samplingName) ? q.samplingName : "other"
            if ours == row[chroma] { chromaAgree += 1 }
        }
        print(
            "synth jpeg: quality agrees on \(agree) of \(rows.count - 1) photos (\(exact) exact IJG tables), chroma on \(chromaAgree); \(disagreements.prefix(5))"
        )
        XCTAssertEqual(rows.count - 1, 660)
        XCTAssertEqual(agree, 660, "\(disagreements)")
        XCTAssertEqual(chromaAgree, 660)
    }

    /// A re-encode with `matching:` writes the source's tables and sampling (read back).
    func testReencodeCarriesTheSourceTablesAndSampling() throws {
        let image = try ImageDecoder.decode(data: try bytes("q050_420.jpg"), name: "x").image
        for name in ["q050_422.jpg", "q095_444.jpg", "custom_near70_444.jpg", "q080_grey.jpg", "q010_420.jpg"] {
            let source = try JPEGQuantization.read(data: try bytes(name), name: name)
            let out = try ImageEncoder.jpeg(image, matching: source)
            let back = try JPEGQuantization.read(data: out, name: "re-encoded \(name)")
            if source.components == 1 {
                XCTAssertEqual(back.samplingName, "4:4:4", name)
                XCTAssertEqual(back.luminance, source.luminance, name)
            } else {
                XCTAssertEqual(back.samplingName, source.samplingName, name)
                XCTAssertEqual(back.tableOfComponent, source.tableOfComponent, name)
                XCTAssertEqual(back.tables, source.tables, name)
            }
            XCTAssertEqual(back.ijgQuality.quality, source.ijgQuality.quality, name)
        }
    }

    /// Re-encoding a crop with its source's tables nearly reproduces it when the crop sits on the
    /// source's block grid (quantisation is then close to idempotent) and clearly not when it is
    /// shifted off it. For the EXIF-rotated file the grid phase comes from `gridPhase`; this fails
    /// if the phase (or the axis swap of orientation 6) is wrong.
    func testGridPhaseFindsTheSourceBlocks() throws {
        for (name, orientation) in [("q090_420.jpg", 1), ("q090_420_orient6.jpg", 6), ("q075_422.jpg", 1)] {
            let data = try bytes(name)
            let q = try JPEGQuantization.read(data: data, name: name)
            let decoded = try ImageDecoder.decode(data: data, name: name, options: DecodeOptions(applyEXIFOrientation: true))
            XCTAssertEqual(decoded.exifOrientation ?? 1, orientation, name)
            let g = SynthJPEGGrid.phase(
                orientation: orientation, storedWidth: q.width, storedHeight: q.height,
                mcuWidth: q.mcuWidth, mcuHeight: q.mcuHeight)
            // Transposing orientations re-encode with the transposed tables.
            let tables = orientation >= 5 ? q.transposed() : q
            func error(left: Int, top: Int) throws -> Double {
                let patch = try crop(decoded.image, top: top, left: left, height: 32, width: 32)
                let again = try ImageDecoder.decode(data: try ImageEncoder.jpeg(patch, matching: tables), name: "again").image
                return zip(patch.pixels, again.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(patch.pixels.count)
            }
            let aligned = try error(left: g.phase.x + g.step.x, top: g.phase.y + g.step.y)
            let shifted = try error(left: g.phase.x + g.step.x + 4, top: g.phase.y + g.step.y + 4)
            print("synth jpeg: \(name) phase \(g.phase) step \(g.step): re-encode error aligned \(aligned), shifted \(shifted)")
            XCTAssertLessThan(aligned * 2, shifted, name)
        }
    }
}
