import CNNSpot
import Foundation
import XCTest

/// `--init`: ImageNet weights with a 1000-class fc (torchvision's file layout) go into everything
/// but fc; the new fc is CNNDetection's: weight ~ N(0, 0.02), bias nn.Linear's U(±1/sqrt(512)).
final class TrainingInitTests: XCTestCase {
    func imageNetFile(_ spec: ResNetSpec, in dir: URL) throws -> (path: String, source: StateDict) {
        let source = try TrainableResNet(ResNetSpec(spec.architecture, numClasses: 1000), seed: 42).stateDict()
        var tensors: [(key: String, tensor: CheckpointTensor)] = []
        for (key, _) in ResNetSpec(spec.architecture, numClasses: 1000).stateDictShapes {
            let t = source[key]!
            tensors.append(
                (
                    key,
                    key.hasSuffix("num_batches_tracked")
                        ? try CheckpointTensor(shape: [], int64s: [0])
                        : try CheckpointTensor(shape: t.shape, floats: t.data)
                ))
        }
        let path = dir.appendingPathComponent("imagenet-\(spec.architecture.rawValue).safetensors").path
        try SafeTensorsWriter.write(tensors, to: path)
        return (path, source)
    }

    func testLoadsAllButFcAndDrawsANewHead() throws {
        let dir = try makeTempDir(self)
        let (path, source) = try imageNetFile(ResNetSpec(.resnet18), in: dir)
        var o = TrainOptions(dataroot: "/nonexistent", name: "init")
        o.architecture = .resnet18
        o.initPath = path
        let trainer = try Trainer(options: o) { _ in }
        let sd = trainer.model.stateDict()
        for (key, t) in source where !key.hasPrefix("fc.") && !key.hasSuffix("num_batches_tracked") {
            XCTAssertEqual(sd[key], t, key)
        }
        let w = try XCTUnwrap(sd["fc.weight"]), b = try XCTUnwrap(sd["fc.bias"])
        XCTAssertEqual(w.shape, [1, 512]); XCTAssertEqual(b.shape, [1])
        // 512 draws of N(0, 0.02): the sample std lies within 0.02 +- 15% (about 5 standard errors).
        let mean = w.data.reduce(0, +) / 512
        let std = (w.data.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 511).squareRoot()
        XCTAssertEqual(Double(std), 0.02, accuracy: 0.003)
        XCTAssertLessThanOrEqual(abs(b.data[0]), 1 / Float(512).squareRoot())
    }

    func testWrongArchitectureIsRefusedByName() throws {
        let dir = try makeTempDir(self)
        let (path, _) = try imageNetFile(ResNetSpec(.resnet18), in: dir)
        var o = TrainOptions(dataroot: "/nonexistent", name: "init")
        o.architecture = .resnet34
        o.initPath = path
        XCTAssertThrowsError(try Trainer(options: o) { _ in }) { e in
            XCTAssertTrue("\(e)".contains(path) && "\(e)".contains("layer"), "\(e)")
        }
    }

    func testOptionValidationNamesTheOption() {
        var o = TrainOptions(dataroot: "/d", name: "n")
        o.cropSize = 300
        XCTAssertThrowsError(try o.validate()) { XCTAssertTrue("\($0)".contains("--crop-size"), "\($0)") }
        o = TrainOptions(dataroot: "/d", name: "a/b")
        XCTAssertThrowsError(try o.validate()) { XCTAssertTrue("\($0)".contains("--name"), "\($0)") }
        o = TrainOptions(dataroot: "/d", name: "n")
        o.jpegQuality = [0, 100]
        XCTAssertThrowsError(try o.validate())
        o = TrainOptions(dataroot: "/d", name: "n")
        o.jpegQuality = [30, 100]
        XCTAssertEqual(o.augmentation().jpegQualities, Array(30...100), "two values are an inclusive range, as the reference")
        XCTAssertEqual(o.augmentation().validation().jpegQualities, [65])
        o.blurSigma = [0, 3]
        XCTAssertEqual(o.augmentation().validation().blurSigma, [1.5])
    }

    /// The state goes through JSON in checkpoint metadata; resuming needs it back bit for bit.
    func testTrainingStateRoundTripsExactly() throws {
        var s = TrainingState(options: TrainOptions(dataroot: "/d", name: "n"))
        s.lr = 1e-4 / 3
        s.epochLossSum = 0.1 + 0.2
        s.earlyStopping.bestScore = 0.8125 + 1e-17
        s.earlyStopping.learningRate = 1e-5 / 7
        s.adamSteps = ["fc.weight": 12]
        let back = try JSONDecoder().decode(TrainingState.self, from: JSONEncoder().encode(s))
        XCTAssertEqual(back, s)
        XCTAssertEqual(back.lr.bitPattern, s.lr.bitPattern)
        XCTAssertEqual(back.earlyStopping.learningRate.bitPattern, s.earlyStopping.learningRate.bitPattern)
    }
}
