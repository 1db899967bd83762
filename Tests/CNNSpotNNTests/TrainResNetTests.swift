import XCTest
import CNNSpotNN

/// A whole torchvision ResNet-50 (num_classes=1, SyntheticWeights parameters) against PyTorch:
/// eval logits on real images (square and non-square), one training step on a batch of 4 at
/// 96x96 (loss, logits, gradients of named parameters, BatchNorm running stats, parameters
/// after Adam), and the loss over 5 Adam steps.
final class TrainResNetTests: XCTestCase {
    static let named = ["conv1.weight", "layer4.2.bn3.weight", "fc.weight", "fc.bias", "layer1.0.downsample.0.weight"]

    private func makeModel() throws -> TrainableResNet {
        let model = try TrainableResNet(ResNetSpec(.resnet50))
        let report = try model.loadStateDict(SyntheticWeights.stateDict(model.spec))
        XCTAssertEqual(report.missingKeys, []); XCTAssertEqual(report.unexpectedKeys, [])
        return model
    }

    func testEvalLogitsMatchTorch() throws {
        let model = try makeModel()
        for (x, ref) in [("x", "logits_eval"), ("x_nonsquare", "logits_eval_nonsquare")] {
            let logits = try model.forward(try TrainFixture.load("resnet50_step", x), mode: .eval)
            // 53 conv/BN layers in float32 with different summation orders: 1e-4 relative to the
            // logit scale (~1) is what accumulated rounding allows; a wrong layer is off by O(1).
            assertTrainClose(logits, try TrainFixture.load("resnet50_step", ref), atol: 2e-4, rtol: 1e-4, "resnet50 eval \(ref)")
        }
    }

    /// ||a - b|| / ||b|| (Euclidean over all elements).
    private func relL2(_ a: HostTensor, _ b: HostTensor) -> Double {
        precondition(a.shape == b.shape)
        var num = 0.0, den = 0.0
        for i in 0..<a.count { let d = Double(a.data[i]) - Double(b.data[i]); num += d * d; den += Double(b.data[i]) * Double(b.data[i]) }
        return (num / max(den, 1e-300)).squareRoot()
    }

    /// A float32 ResNet-50 training step is ill-conditioned below layer4 (ReLU masks flip,
    /// BatchNorm over 36 values per channel): PyTorch's own float32 gradients differ from its
    /// float64 ones by ~1e-2 relative. The reference is therefore PyTorch float64, and our
    /// relative L2 error must be within 3x PyTorch float32's (plus 1e-5 for well-conditioned
    /// tensors, where both are ~1e-6). A wrong layer or a missing term gives errors of O(1).
    private func assertAsCloseAsTorch32(
        _ ours: HostTensor, _ name: String, _ what: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let ref64 = try TrainFixture.load("resnet50_step", name.replacingOccurrences(of: "@", with: "64"))
        let ref32 = try TrainFixture.load("resnet50_step", name.replacingOccurrences(of: "@", with: "32"))
        XCTAssertEqual(ours.shape, ref64.shape, "\(what): shape", file: file, line: line)
        guard ours.shape == ref64.shape else { return }
        let e = relL2(ours, ref64), e32 = relL2(ref32, ref64)
        print("[nn-train] resnet50 \(what): rel L2 error vs torch float64 \(e) (torch float32: \(e32), bound \(3 * e32 + 1e-5))")
        XCTAssertLessThanOrEqual(e, 3 * e32 + 1e-5, what, file: file, line: line)
    }

    func testTrainingStepMatchesTorch() throws {
        let model = try makeModel()
        let x = try TrainFixture.load("resnet50_step", "x")
        let labels = try TrainFixture.load("resnet50_step", "labels").data
        let losses64 = try TrainFixture.load("resnet50_step", "losses64").data
        let losses32 = try TrainFixture.load("resnet50_step", "losses32").data
        let adam = Adam(model.namedParameters, lr: 1e-4, betas: (0.9, 0.999))

        let (loss, logits) = try model.trainingStep(x, labels: labels)
        print("[nn-train] resnet50 step-1 loss \(loss) vs torch float64 \(losses64[0]), |err| \(abs(loss - losses64[0]))")
        XCTAssertEqual(loss, losses64[0], accuracy: 1e-4)
        // The forward pass is well conditioned: logits to 2e-4 absolute.
        assertTrainClose(logits, try TrainFixture.load("resnet50_step", "logits_train64"), atol: 2e-4, rtol: 1e-4, "resnet50 train logits")
        for key in Self.named {
            try assertAsCloseAsTorch32(try XCTUnwrap(model.gradient(key), key), "grad@." + key, "grad \(key)")
        }
        let sd = model.stateDict()
        for key in ["bn1.running_mean", "bn1.running_var", "layer4.2.bn3.running_var", "layer2.0.downsample.1.running_mean"] {
            // Batch statistics accumulate in Double here: within 1e-5 of float64 PyTorch.
            assertTrainClose(
                try XCTUnwrap(sd[key]), try TrainFixture.load("resnet50_step", "buffer64." + key), atol: 1e-5, rtol: 1e-5, "resnet50 \(key) after step")
        }
        XCTAssertEqual(sd["bn1.num_batches_tracked"]?.data, [1])

        let before = model.stateDict()
        try adam.step()
        for key in Self.named {
            let after = try XCTUnwrap(model.parameter(key)).value.host, old = try XCTUnwrap(before[key])
            let update = HostTensor(shape: after.shape, data: zip(after.data, old.data).map { $0 - $1 })
            try assertAsCloseAsTorch32(update, "adam_update@." + key, "Adam update \(key)")
        }

        var curve = [loss]
        for _ in 2...5 {
            curve.append(try model.trainingStep(x, labels: labels).loss)
            try adam.step()
        }
        print("[nn-train] resnet50 5-step losses \(curve) vs torch float64 \(losses64) (torch float32 \(losses32))")
        for i in 0..<5 {
            let bound = 3 * abs(losses32[i] - losses64[i]) + 1e-4
            XCTAssertEqual(curve[i], losses64[i], accuracy: bound, "loss at step \(i + 1)")
        }
    }
}
