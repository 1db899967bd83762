import CNNSpot
import Foundation
import XCTest

/// `--init` for EfficientNet-Lite0: a file laid out as the wheel's `efficientnet-lite0-57934424.pth`
/// (`_fc` of 1000 classes) goes into everything but `_fc`; `_fc` becomes one logit ~ N(0, 0.02).
/// A ResNet file is refused naming the keys.
final class ArchitectureInitTests: XCTestCase {
    private func liteImageNetFile(in dir: URL) throws -> (path: String, source: StateDict) {
        let spec = NetworkSpec(.efficientnet_lite0, numClasses: 1000)
        let source = SyntheticWeights.stateDict(spec)
        var tensors: [NamedTensor] = []
        for (key, shape) in spec.stateDictShapes {
            let t = source[key]!
            tensors.append(
                (
                    key,
                    key.hasSuffix("num_batches_tracked")
                        ? try CheckpointTensor(shape: [], int64s: [0])
                        : try CheckpointTensor(shape: shape, floats: t.data)
                ))
        }
        let path = dir.appendingPathComponent("efficientnet-lite0-imagenet.safetensors").path
        try SafeTensorsWriter.write(tensors, to: path)
        return (path, source)
    }

    func testLite0InitLoadsAllButTheHead() throws {
        let dir = try makeTempDir(self)
        let (path, source) = try liteImageNetFile(in: dir)
        var o = TrainOptions(dataroot: "/nonexistent", name: "init")
        o.architecture = .efficientnet_lite0
        o.initPath = path
        let trainer = try Trainer(options: o) { _ in }
        let sd = trainer.model.stateDict()
        var loaded = 0
        for (key, t) in source where !key.hasPrefix("_fc.") && !key.hasSuffix("num_batches_tracked") {
            XCTAssertEqual(sd[key], t, key)
            loaded += 1
        }
        XCTAssertEqual(loaded, 294 - 49)  // 296 entries, 49 BatchNorms' num_batches_tracked, minus _fc.weight/_fc.bias
        let w = try XCTUnwrap(sd["_fc.weight"])
        XCTAssertEqual(w.shape, [1, 1280])
        let mean = w.data.reduce(0, +) / 1280
        let std = (w.data.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1279).squareRoot()
        XCTAssertEqual(Double(std), 0.02, accuracy: 0.002)
    }

    func testResNetWeightsAreRefusedForLite() throws {
        let dir = try makeTempDir(self)
        let spec = NetworkSpec(.resnet18, numClasses: 1000)
        let path = dir.appendingPathComponent("r18.safetensors").path
        try ModelExport.writeSafetensors(SyntheticWeights.stateDict(spec), spec: spec, to: path)
        var o = TrainOptions(dataroot: "/nonexistent", name: "init")
        o.architecture = .efficientnet_lite0
        o.initPath = path
        XCTAssertThrowsError(try Trainer(options: o) { _ in }) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains(path) && m.contains("efficientnet_lite0") && m.contains("_conv_stem.weight"), m)
        }
    }
}
