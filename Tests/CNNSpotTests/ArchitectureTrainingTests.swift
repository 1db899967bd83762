import Foundation
import XCTest
import CNNSpot

/// One training step of NPR (from the PyTorch-written checkpoint) and EfficientNet-Lite0
/// (SyntheticWeights) against PyTorch: loss, gradients and Adam update of named parameters,
/// with the criterion of the ResNet-50 step (TrainResNetTests): relative L2 error to PyTorch
/// float64 within 3x PyTorch float32's own, plus 1e-5.
final class ArchitectureTrainingTests: XCTestCase {
    private func relL2(_ a: HostTensor, _ b: HostTensor) -> Double {
        var num = 0.0, den = 0.0
        for i in 0..<a.count { let d = Double(a.data[i]) - Double(b.data[i]); num += d * d; den += Double(b.data[i]) * Double(b.data[i]) }
        return (num / max(den, 1e-300)).squareRoot()
    }

    private func assertAsCloseAsTorch32(_ ours: HostTensor, _ dir: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r64 = try ArchFixtures.npy(dir, name.replacingOccurrences(of: "@", with: "64"))
        let r32 = try ArchFixtures.npy(dir, name.replacingOccurrences(of: "@", with: "32"))
        XCTAssertEqual(ours.shape, r64.shape, "\(name): shape", file: file, line: line)
        guard ours.shape == r64.shape else { return }
        let e = relL2(ours, r64), e32 = relL2(r32, r64)
        print("[arch] \(dir) \(name): rel L2 vs torch float64 \(e) (torch float32 \(e32), bound \(3 * e32 + 1e-5))")
        XCTAssertLessThanOrEqual(e, 3 * e32 + 1e-5, name, file: file, line: line)
    }

    private func step(_ model: TrainableNetwork, _ dir: String, _ keys: [String]) throws {
        let x = try ArchFixtures.resnetStepInput("x"), labels = try ArchFixtures.resnetStepInput("labels").data
        let adam = Adam(model.namedParameters, lr: 1e-4, betas: (0.9, 0.999))
        let (loss, logits) = try model.trainingStep(x, labels: labels)
        let loss64 = try ArchFixtures.npy(dir, "loss64").data[0]
        print("[arch] \(dir) loss \(loss) vs torch float64 \(loss64)")
        XCTAssertEqual(loss, loss64, accuracy: 1e-4)
        try assertAsCloseAsTorch32(logits, dir, "logits_train@")
        for key in keys { try assertAsCloseAsTorch32(try XCTUnwrap(model.gradient(key), key), dir, "grad@." + key) }
        let before = model.stateDict()
        try adam.step()
        for key in keys {
            let after = try XCTUnwrap(model.parameter(key)).value.host, old = try XCTUnwrap(before[key])
            try assertAsCloseAsTorch32(HostTensor(shape: after.shape, data: zip(after.data, old.data).map { $0 - $1 }), dir, "adam_update@." + key)
        }
    }

    func testNPRTrainingStepMatchesTorch() throws {
        let model = try TrainableNetwork(NetworkSpec(.npr))
        let entries = try Checkpoint.load(path: ArchFixtures.path("npr.pth")).floatStateDict(stripModulePrefix: true)
        var dict: StateDict = [:]
        for e in entries { dict[e.key] = HostTensor(shape: e.shape, data: e.values) }
        try model.loadStateDict(dict)
        try step(
            model, "npr_step",
            [
                "conv1.weight", "layer1.0.conv2.weight", "layer1.0.downsample.0.weight",
                "layer2.3.bn3.weight", "fc1.weight", "fc1.bias"
            ])
    }

    func testEfficientNetLite0TrainingStepMatchesTorch() throws {
        let model = try TrainableNetwork(NetworkSpec(.efficientnet_lite0))
        try model.loadStateDict(SyntheticWeights.stateDict(model.spec))
        try step(
            model, "lite0_step",
            [
                "_conv_stem.weight", "_blocks.1._depthwise_conv.weight", "_blocks.5._project_conv.weight",
                "_blocks.15._bn1.weight", "_bn1.weight", "_fc.weight", "_fc.bias"
            ])
    }
}
