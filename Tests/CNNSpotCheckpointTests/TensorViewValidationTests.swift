import Foundation
import XCTest
@testable import CNNSpotCheckpoint

/// Issue 13 row 2: tensor views are validated before anything is allocated for them. Files from
/// scripts/fixtures/make_hardening_fixtures.py (torch 2.15.0).
final class TensorViewValidationTests: XCTestCase {
    static let dir = Fixtures.root.appendingPathComponent("Fixtures/hardening")

    private func loadError(_ name: String) -> String? {
        do { _ = try Checkpoint.load(path: Self.dir.appendingPathComponent(name).path); return nil } catch { return "\(error)" }
    }

    func testRepeatingViewsAreRefusedAtLoad() throws {
        // On 3274969 the first two loaded (the storage fits) and materialising trapped or took
        // 4-8 GB; the refusal must come from Checkpoint.load itself, before any value is read.
        for (name, stride) in [
            ("stride0_expand.pth", true), ("stride0_square.pth", true),
            ("overlap_view.pth", false)
        ] {
            let started = Date()
            let e = try XCTUnwrap(loadError(name), "\(name) was accepted")
            print("\(name): \(e)")
            XCTAssertTrue(e.contains("model.w"), e)
            XCTAssertTrue(e.contains("materialise"), e)
            XCTAssertTrue(e.contains(stride ? "stride of 0" : "overlapping strides"), e)
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, "refused quickly, without allocating")
        }
    }

    func testSmallRepeatingViewsLoad() throws {
        // torch.arange(3.).expand(2, 3): 24 bytes from a 12-byte storage, under maxRepeatedViewBytes.
        let c = try Checkpoint.load(path: Self.dir.appendingPathComponent("small_expand.pth").path)
        let w = try XCTUnwrap(c.allTensors.first { $0.key.hasSuffix("w") }?.tensor)
        XCTAssertEqual(w.shape, [2, 3])
        XCTAssertEqual(try w.floatValues(), [0, 1, 2, 0, 1, 2])
    }

    func testOrdinaryViewsStillLoad() throws {
        // The existing fixtures hold a transposed view and a strided slice with an offset:
        // each element addressed once, so the new rule never refuses them.
        let c = try Checkpoint.load(path: Fixtures.path("mixed.pth"))
        let views = c.allTensors.filter { !$0.tensor.isContiguous }
        XCTAssertFalse(views.isEmpty, "mixed.pth should hold non-contiguous views")
        for v in views { XCTAssertEqual(try v.tensor.contiguousBytes().count, v.tensor.count * v.tensor.dtype.byteSize) }
    }

    func testInMemoryStrideZeroViewIsRefusedBeforeAllocation() throws {
        // A 4-byte storage viewed as (2^20, 2^20) with strides (0, 0): 2^42 bytes if materialised.
        let storage = TensorStorage(key: "0", declaredByteCount: 4, bytes: Data(count: 4))
        let t = CheckpointTensor(dtype: .float32, shape: [1 << 20, 1 << 20], strides: [0, 0], storageOffset: 0, storage: storage)
        XCTAssertThrowsError(try t.validate(key: "w")) { XCTAssertTrue("\($0)".contains("stride of 0"), "\($0)") }
        XCTAssertThrowsError(try t.floatValues())
        // A stride-0 dimension of size 1 is an ordinary tensor (PyTorch writes such strides).
        let one = CheckpointTensor(dtype: .float32, shape: [1, 1], strides: [0, 1], storageOffset: 0, storage: storage)
        XCTAssertEqual(try one.floatValues(), [0])
    }

    func testEmptyViewWithOffsetPastItsStorageMaterialisesNothing() throws {
        // Found by fuzz-tensor-view (input 0a 01 00 00 00 fb 88 ff): shape [0], stride 3,
        // offset 7 over an empty storage passed validation and then trapped slicing the bytes.
        let storage = TensorStorage(key: "0", declaredByteCount: 0, bytes: Data())
        let t = CheckpointTensor(dtype: .float32, shape: [0], strides: [3], storageOffset: 7, storage: storage)
        XCTAssertEqual(try t.contiguousBytes().count, 0)
        XCTAssertEqual(try t.floatValues(), [])
    }

    func testTorchScriptEmptyAndDuplicateRecordsHaveClearErrors() throws {
        let ts = try XCTUnwrap(loadError("torchscript.pt"))
        XCTAssertTrue(ts.contains("TorchScript"), ts)
        XCTAssertFalse(ts.contains("allow-list"), ts)
        let dup = try XCTUnwrap(loadError("duplicate_datapkl.pth"), "a zip with two data.pkl records was accepted")
        XCTAssertTrue(dup.contains("appears twice"), dup)
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).pth")
        try Data().write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        do { _ = try Checkpoint.load(path: empty.path); XCTFail("empty file accepted") } catch {
            XCTAssertTrue("\(error)".contains("empty"), "\(error)")
        }
    }

    func testSpecialFilesAreNotOpened() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ck-special-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("model.pth").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        // On 3274969 a FIFO blocked here forever; a watchdog turns a hang into a failure.
        let done = expectation(description: "load returns")
        DispatchQueue.global().async {
            do { _ = try Checkpoint.load(path: fifo); XCTFail("FIFO accepted") } catch {
                XCTAssertTrue("\(error)".contains("not a regular file"), "\(error)")
            }
            done.fulfill()
        }
        wait(for: [done], timeout: 20)
        for (path, what) in [("/dev/zero", "character device"), (dir.path, "folder")] {
            do { _ = try Checkpoint.load(path: path); XCTFail("\(path) accepted") } catch {
                XCTAssertTrue("\(error)".contains(what), "\(error)")
            }
        }
    }
}
