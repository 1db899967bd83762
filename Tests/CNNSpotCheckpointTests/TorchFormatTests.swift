import Foundation
import XCTest
import CNNSpotCheckpoint

/// Files written by torch 2.15 `torch.save` (zip, and legacy via
/// `_use_new_zipfile_serialization=False`) must give back every tensor bit-exactly.
final class TorchFormatTests: XCTestCase {
    func testEveryTensorOfEveryFixtureMatchesPyTorch() throws {
        for name in ["mixed", "train", "bare", "dataparallel"] {
            for (file, format) in [(name, CheckpointFormat.torchZip), (name + "_legacy", .torchLegacy)] {
                let ckpt = try Checkpoint.load(path: Fixtures.path(file + ".pth"))
                XCTAssertEqual(ckpt.format, format, file)
                try assertTensorsMatch(ckpt.allTensors, try Fixtures.expectedTensors(file), file: file)
            }
        }
    }

    func testZipArchiveNameAndVersion() throws {
        let ckpt = try Checkpoint.load(path: Fixtures.path("train.pth"))
        XCTAssertEqual(ckpt.archiveName, "train")
        XCTAssertEqual(ckpt.formatVersion, "3")
    }

    func testTreeAccessors() throws {
        for file in ["mixed.pth", "mixed_legacy.pth"] {
            let ckpt = try Checkpoint.load(path: Fixtures.path(file))
            XCTAssertEqual(ckpt.totalSteps, 7, file)
            XCTAssertFalse(ckpt.hasOptimizer, file)
            let top = try XCTUnwrap(ckpt.root.dict, file)
            XCTAssertEqual(top.keys.map(\.description), ["model", "nested", "list", "total_steps"], file)
            XCTAssertEqual(top["nested"]?.dict?["note"]?.string, "hello", file)
            let list = try XCTUnwrap(top["list"]?.list, file)
            XCTAssertEqual(list.count, 3)
            XCTAssertEqual(list[0].intValue, 1)
            XCTAssertEqual(list[1].doubleValue, 2.5)
            XCTAssertEqual(list[2].tensor?.shape, [2])
        }
    }

    func testSharedStorageIsReadOnceAndViewsKeepTheirLayout() throws {
        for file in ["mixed.pth", "mixed_legacy.pth"] {
            let sd = try Checkpoint.load(path: Fixtures.path(file)).stateDict()
            let byKey = Dictionary(uniqueKeysWithValues: sd.map { ($0.key, $0.tensor) })
            let w = try XCTUnwrap(byKey["w"]), wt = try XCTUnwrap(byKey["w_t"]), row = try XCTUnwrap(byKey["row"])
            XCTAssertTrue(w.storage === wt.storage && w.storage === row.storage, "\(file): views share one storage")
            XCTAssertEqual(wt.strides, [1, 6])
            XCTAssertEqual(row.storageOffset, 12)
            let slice = try XCTUnwrap(byKey["slice"])
            XCTAssertEqual(slice.storageOffset, 9)
            XCTAssertEqual(slice.strides, [8, 3])
            XCTAssertFalse(slice.isContiguous)
        }
    }

    func testStateDictLocationsAndModulePrefix() throws {
        let train = try Checkpoint.load(path: Fixtures.path("train.pth"))
        XCTAssertEqual(train.stateDictLocation, "model")
        let expectedKeys = try XCTUnwrap((Fixtures.expected["train"] as? [String: Any])?["state_dict_keys"] as? [String])
        XCTAssertEqual(try train.stateDict().map(\.key), expectedKeys)

        let bare = try Checkpoint.load(path: Fixtures.path("bare_legacy.pth"))
        XCTAssertEqual(bare.stateDictLocation, "")
        XCTAssertEqual(try bare.stateDict().map(\.key), expectedKeys)

        let dp = try Checkpoint.load(path: Fixtures.path("dataparallel.pth"))
        XCTAssertEqual(dp.stateDictLocation, "state_dict")
        XCTAssertEqual(try dp.stateDict().map(\.key), expectedKeys.map { "module." + $0 })
        XCTAssertEqual(try dp.stateDict(stripModulePrefix: true).map(\.key), expectedKeys)

        // Same numbers whichever file they come from.
        let a = try train.floatStateDict(), b = try dp.floatStateDict(stripModulePrefix: true)
        XCTAssertEqual(a.map(\.shape), b.map(\.shape))
        XCTAssertEqual(a.map(\.values), b.map(\.values))
    }

    func testLoadFromMemoryMatchesLoadFromFile() throws {
        for file in ["train.pth", "train_legacy.pth"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(file)))
            let a = try Checkpoint.load(data: data).floatStateDict()
            let b = try Checkpoint.load(path: Fixtures.path(file)).floatStateDict()
            XCTAssertEqual(a.map(\.key), b.map(\.key))
            XCTAssertEqual(a.map(\.values), b.map(\.values))
        }
    }

    func testFileSizeLimit() throws {
        var limits = CheckpointLimits()
        limits.maxFileBytes = 1000
        XCTAssertThrowsError(try Checkpoint.load(path: Fixtures.path("train.pth"), limits: limits)) { error in
            guard case CheckpointError.fileTooLarge = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try Checkpoint.load(path: Fixtures.path("does-not-exist.pth"))) { error in
            XCTAssertTrue("\(error)".contains("does-not-exist.pth"), "\(error)")
        }
    }
}
