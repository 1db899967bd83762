import Foundation
import XCTest
import CNNSpotCheckpoint

/// `cnnspot convert` / `cnnspot info` logic (the CLI only prints these).
final class ConversionTests: XCTestCase {
    func testConvertWritesTheStateDictWithMetadata() throws {
        let out = NSTemporaryDirectory() + "cnnspot-convert-\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let summary = try CheckpointConversion.convert(
            input: Fixtures.path("dataparallel_legacy.pth"), output: out,
            stripModulePrefix: true)
        XCTAssertEqual(summary.sourceFormat, .torchLegacy)
        XCTAssertEqual(summary.stateDictLocation, "state_dict")
        let back = try Checkpoint.load(path: out)
        XCTAssertEqual(back.metadata[CNNSpotMetadata.format], "cnnspot")
        XCTAssertEqual(back.metadata[CNNSpotMetadata.numClasses], "1")
        XCTAssertEqual(back.metadata[CNNSpotMetadata.inputMean], "[0.485,0.456,0.406]")
        XCTAssertNil(back.metadata[CNNSpotMetadata.architecture], "the tiny model is no ResNet")
        let manifest = try XCTUnwrap(back.metadata[CNNSpotMetadata.manifest])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(manifest.utf8)) as? [String: Any])
        XCTAssertEqual(object["source_format"] as? String, "torch-legacy")
        // Same keys and values as the original (bare) state dict.
        let original = try Checkpoint.load(path: Fixtures.path("bare.pth")).floatStateDict()
        let converted = Dictionary(uniqueKeysWithValues: try back.floatStateDict().map { ($0.key, $0) })
        XCTAssertEqual(Set(converted.keys), Set(original.map(\.key)))
        for o in original {
            XCTAssertEqual(converted[o.key]?.shape, o.shape, o.key)
            XCTAssertEqual(converted[o.key]?.values, o.values, o.key)
        }
    }

    func testArchitectureFromKeys() {
        func keys(_ blocks: [Int], bottleneck: Bool) -> [String] {
            blocks.enumerated().flatMap { layer, n in
                (0..<n).flatMap { b in (bottleneck ? [1, 2, 3] : [1, 2]).map { "layer\(layer + 1).\(b).conv\($0).weight" } }
            }
        }
        XCTAssertEqual(CNNSpotMetadata.architecture(of: keys([3, 4, 6, 3], bottleneck: true)), "resnet50")
        XCTAssertEqual(CNNSpotMetadata.architecture(of: keys([3, 4, 6, 3], bottleneck: false)), "resnet34")
        XCTAssertEqual(CNNSpotMetadata.architecture(of: keys([2, 2, 2, 2], bottleneck: false)), "resnet18")
        XCTAssertNil(CNNSpotMetadata.architecture(of: keys([3, 4, 5, 3], bottleneck: true)))
    }

    func testInfoTableAndJSON() throws {
        let path = Fixtures.path("train_legacy.pth")
        let summary = CheckpointSummary(path: path, checkpoint: try Checkpoint.load(path: path))
        let table = summary.table()
        XCTAssertTrue(table.contains("format: torch-legacy"), table)
        XCTAssertTrue(table.contains("total_steps: 2"), table)
        XCTAssertTrue(table.contains("Adam state for 5 parameters"), table)
        XCTAssertTrue(table.contains("model.conv1.weight") && table.contains("[4, 3, 3, 3]"), table)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try summary.json().utf8)) as? [String: Any])
        XCTAssertEqual(json["format"] as? String, "torch-legacy")
        XCTAssertEqual(json["total_steps"] as? Int, 2)
        XCTAssertEqual((json["tensors"] as? [Any])?.count, 23)
    }
}
