import Foundation
import XCTest

/// `detect -m none FOLDER` lists TIFFs found in a folder scan with their size (issue 13 row 13:
/// `.tif` files were error rows "TIFF data"), and a broken TIFF gets an error row naming it.
final class TIFFCLITests: XCTestCase {
    func testFolderScanListsTIFFsWithTheirSize() throws {
        let dir = try CLI.temporaryDirectory("tiff")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixtures = CLI.root.appendingPathComponent("Fixtures/tiff")
        let fm = FileManager.default
        try fm.copyItem(at: fixtures.appendingPathComponent("rgb_lzw.tif"), to: dir.appendingPathComponent("a.tif"))
        try fm.copyItem(at: fixtures.appendingPathComponent("rgb_orientation6.tif"), to: dir.appendingPathComponent("b.TIFF"))
        try fm.copyItem(at: fixtures.appendingPathComponent("tiled_rgb_raw_be.tif"), to: dir.appendingPathComponent("c.tiff"))
        let good = try CLI.run(["detect", dir.path, "-m", "none", "--format", "csv"])
        XCTAssertEqual(good.code, 0, good.stderr)
        let rows = CLI.csv(good.stdout)
        let head = rows[0]
        func col(_ name: String) -> Int { head.firstIndex(of: name)! }
        XCTAssertEqual(rows.count, 4, good.stdout)
        let byName = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { (URL(fileURLWithPath: $0[0]).lastPathComponent, $0) })
        for (name, w, h) in [("a.tif", "37", "23"), ("b.TIFF", "23", "37"), ("c.tiff", "37", "23")] {
            let r = try XCTUnwrap(byName[name], good.stdout)
            XCTAssertEqual(r[col("width")], w, name)
            XCTAssertEqual(r[col("height")], h, name)
            XCTAssertEqual(r[col("format")], "tiff", name)
            XCTAssertEqual(r[col("error")], "", name)
        }

        try fm.copyItem(at: fixtures.appendingPathComponent("truncated_raw.tif"), to: dir.appendingPathComponent("d.tif"))
        let broken = try CLI.run(["detect", dir.path, "-m", "none", "--format", "csv"])
        let rows2 = CLI.csv(broken.stdout)
        XCTAssertEqual(rows2.count, 5, broken.stdout)
        let bad = try XCTUnwrap(rows2.first { $0[0].hasSuffix("d.tif") }, broken.stdout)
        XCTAssertTrue(bad[col("error")].contains("truncated"), bad.joined(separator: ","))
        XCTAssertNotEqual(broken.code, 0, "an image failed: the exit status says so")
    }
}
