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
        XCTAssertEqual(ckpt.formatVersion, "3")
        try assertTensorsMatch(ckpt.allTensors, try Fixtures.expectedTensors("deflated"), file: "deflated")
    }

    /// Sizes of 2^40 next to a 0: no arithmetic may overflow (found by review, not by the fuzzer).
    func testEmptyTensorWithHugeSizes() throws {
        let ckpt = try Checkpoint.load(path: Fixtures.path("empty_huge_shape.pth"))
        try assertTensorsMatch(ckpt.allTensors, try Fixtures.expectedTensors("empty_huge_shape"), file: "empty_huge_shape")
        XCTAssertEqual(ckpt.allTensors.first?.tensor.count, 0)
        XCTAssertEqual(try SafeTensorsWriter.encode(ckpt.allTensors).isEmpty, false)
    }

    /// Files saved from a GPU by older torch name `torch.cuda.HalfStorage` (location cuda:0).
    func testCUDAStorageTypes() throws {
        for file in ["cuda_storage", "cuda_storage_legacy"] {
            let ckpt = try Checkpoint.load(path: Fixtures.path(file + ".pth"))
            try assertTensorsMatch(ckpt.allTensors, try Fixtures.expectedTensors(file), file: file)
        }
    }

    /// `_rebuild_tensor_v3(storage, offset, size, stride, requires_grad, hooks, dtype)` over a
    /// `torch.UntypedStorage`: the dtype comes from the call, offsets count float16 elements.
    func testRebuildTensorV3OverUntypedStorage() throws {
        let ckpt = try Checkpoint.load(path: Fixtures.path("v3_untyped.pth"))
        try assertTensorsMatch(ckpt.allTensors, try Fixtures.expectedTensors("v3_untyped"), file: "v3_untyped")
    }
}
