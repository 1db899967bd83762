import CNNSpot
import Foundation
import XCTest

/// The patch grid against MiniSynths v1's own build plan (`.plan.json`: every kept patch's
/// crop box, grid cell and luminance std), an independent reference for the rule.
final class SynthGridTests: XCTestCase {
    struct Plan: Decodable {
        struct Photo: Decodable { var id: String; var scaled: String; var scale: Double; var size: String }
        struct Patch: Decodable { var name: String; var photo: String; var split: String; var box: [Int]; var std: Double; var families: [String] }
        var photos: [Photo]
        var patches: [Patch]
    }

    func plan() throws -> Plan {
        let url = TestPaths.sharedData.appendingPathComponent("minisynths/.plan.json")
        return try JSONDecoder().decode(Plan.self, from: Data(contentsOf: url))
    }

    func testCellBoxesEqualMiniSynthsPlan() throws {
        let p = try plan()
        let photos = Dictionary(uniqueKeysWithValues: p.photos.map { ($0.id, $0) })
        XCTAssertGreaterThan(p.patches.count, 700)
        var checked = 0
        for patch in p.patches {
            let photo = try XCTUnwrap(photos[patch.photo])
            let wh = photo.scaled.split(separator: "x").map { Int($0)! }
            let index = Int(patch.name.split(separator: "_").last!.dropFirst())!
            let cells = SynthGrid.cells(width: wh[0], height: wh[1], size: 256)
            XCTAssertLessThan(index, cells.count, patch.name)
            guard index < cells.count else { continue }
            let c = cells[index]
            XCTAssertEqual([c.left, c.top, c.left + 256, c.top + 256], patch.box, patch.name)
            // The downscale rule: halved exactly when the shorter side is >= 640.
            let orig = photo.size.split(separator: "x").map { Int($0)! }
            XCTAssertEqual(photo.scale, min(orig[0], orig[1]) >= 640 ? 0.5 : 1.0, photo.id)
            checked += 1
        }
        print("synth grid: \(checked) MiniSynths v1 crop boxes reproduced")
    }

    /// The picks of photos with more cells than they keep equal `evenlySpaced(cells, k)` unless
    /// flat cells were dropped first (the plan does not list those), so nearly all must match,
    /// including the 2x2 grids with k = 3 where the rounding (half to even: [0, 2, 3], not the
    /// truncated [0, 1, 3]) decides.
    func testEvenlySpacedPicksEqualMiniSynthsPlan() throws {
        let p = try plan()
        let photos = Dictionary(uniqueKeysWithValues: p.photos.map { ($0.id, $0) })
        var byPhoto: [String: [Int]] = [:]
        for patch in p.patches { byPhoto[patch.photo, default: []].append(Int(patch.name.split(separator: "_").last!.dropFirst())!) }
        var compared = 0, matched = 0, fourCellK3 = 0
        for (id, picked) in byPhoto {
            let wh = photos[id]!.scaled.split(separator: "x").map { Int($0)! }
            let n = (wh[0] / 256) * (wh[1] / 256)
            guard n > picked.count else { continue }
            compared += 1
            if picked.sorted() == SynthGrid.evenlySpaced(count: n, keep: picked.count) {
                matched += 1
                if n == 4 && picked.count == 3 { fourCellK3 += 1 }
            }
        }
        print("synth grid: picks of \(matched) of \(compared) photos equal evenlySpaced (\(fourCellK3) with 4 cells, k = 3)")
        XCTAssertGreaterThan(compared, 100)
        XCTAssertGreaterThanOrEqual(Double(matched), 0.9 * Double(compared))
        XCTAssertGreaterThan(fourCellK3, 5)
        XCTAssertEqual(SynthGrid.evenlySpaced(count: 2, keep: 3), [0, 1])
        XCTAssertEqual(SynthGrid.evenlySpaced(count: 16, keep: 3), [0, 8, 15])
    }

    /// Luminance std of MiniSynths real patches (the whole 256x256 PNG is the cell) equals the
    /// plan's value (Pillow `convert('L')` + numpy std, rounded to 2 decimals).
    func testLuminanceStdEqualsPlan() throws {
        let p = try plan()
        var worst = 0.0
        for patch in p.patches.prefix(120) {
            let url = TestPaths.sharedData.appendingPathComponent("minisynths/\(patch.split)/\(patch.families[0])/0_real/\(patch.name).png")
            let image = try ImageDecoder.decode(path: url.path).image
            let std = SynthGrid.luminanceStd(image, cell: SynthCell(index: 0, left: 0, top: 0), size: 256)
            worst = max(worst, abs(std - patch.std))
        }
        print("synth grid: luminance std worst difference \(worst) (plan rounds to 0.01)")
        XCTAssertLessThanOrEqual(worst, 0.0051)
    }

    func testAlignedPositionsSitOnTheGridAndDoNotOverlap() {
        for length in [256, 300, 481, 700, 1029] {
            for phase in [0, 5, 8, 15] {
                let xs = SynthGrid.positions(length: length, size: 64, phase: phase, step: 16)
                XCTAssertFalse(xs.isEmpty)
                for (i, x) in xs.enumerated() {
                    XCTAssertEqual((x - phase) % 16, 0)
                    XCTAssertGreaterThanOrEqual(x, phase)
                    XCTAssertLessThanOrEqual(x + 64, length)
                    if i > 0 { XCTAssertGreaterThanOrEqual(x, xs[i - 1] + 64) }
                }
            }
        }
    }
}
