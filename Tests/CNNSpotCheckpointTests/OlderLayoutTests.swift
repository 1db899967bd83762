import Foundation
import XCTest
import CNNSpotCheckpoint

/// Layouts torch 2.15 does not write but older files use (crafted by the fixture script with
/// numpy-computed expectations): legacy storage views, deflated zip records, another folder name.
final class OlderLayoutTests: XCTestCase {
    func testLegacyStorageView() throws {
        let ckpt = try Checkpoint.load(path: Fixtures.path("legacy_view.pth"))
        XCTAssertEqual(ckpt.format, .torchLegacy)
        try assertTensorsMatch(ckpt.allTensors, try Fixtures.expectedTensors("legacy_view"), file: "legacy_view")
    }

    func testDeflatedZipWithOtherFolderName() throws {
        let ckpt = try Checkpoint.load(path: Fixtures.path("deflated.pth"))
        XCTAssertEqual(ckpt.archiveName, "some_model")
        XCTAssertNil(ckpt.formatVersion)
        try assertTensorsMatch(ckpt.allTensors, try Fixtures.expectedTensors("deflated"), file: "deflated")
    }
}
