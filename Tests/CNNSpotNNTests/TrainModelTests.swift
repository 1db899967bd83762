import XCTest
import CNNSpotNN

/// TrainableResNet beyond ResNet-50's numbers: the BasicBlock family against PyTorch, state-dict
/// keys and errors, torchvision's initialisation statistics, the new head, threads, sizes.
final class TrainModelTests: XCTestCase {
    private func relL2(_ a: HostTensor, _ b: HostTensor) -> Double {
        var num = 0.0, den = 0.0
        for i in 0..<a.count { let d = Double(a.data[i]) - Double(b.data[i]); num += d * d; den += Double(b.data[i]) * Double(b.data[i]) }
        return (num / max(den, 1e-300)).squareRoot()
    }

    func testResNet18MatchesTorch() throws {
        let model = try TrainableResNet(ResNetSpec(.resnet18))
        try model.loadStateDict(SyntheticWeights.stateDict(model.spec))
        let x = try TrainFixture.load("resnet50_step", "x")
        assertTrainClose(
            try model.forward(x, mode: .eval), try TrainFixture.load("resnet18_step", "logits_eval"), atol: 1e-4, rtol: 1e-4, "resnet18 eval logits")
        let (loss, _) = try model.trainingStep(x, labels: try TrainFixture.load("resnet50_step", "labels").data)
        let loss64 = try TrainFixture.load("resnet18_step", "loss64").data[0]
        print("[nn-train] resnet18 loss \(loss) vs torch float64 \(loss64)")
        XCTAssertEqual(loss, loss64, accuracy: 1e-4)
        for key in ["conv1.weight", "layer1.0.conv2.weight", "layer3.0.downsample.0.weight", "layer4.1.bn2.bias", "fc.weight"] {
            let g = try XCTUnwrap(model.gradient(key))
            let r64 = try TrainFixture.load("resnet18_step", "grad64." + key), r32 = try TrainFixture.load("resnet18_step", "grad32." + key)
            XCTAssertEqual(g.shape, r64.shape, key)
            let e = relL2(g, r64), e32 = relL2(r32, r64)
            print("[nn-train] resnet18 grad \(key): rel L2 vs torch float64 \(e) (torch float32 \(e32))")
            // As for ResNet-50: within 3x PyTorch float32's own deviation from float64, plus 1e-5.
            // (An absolute 1e-4 bound used to sit here; with the InitRandom-era fixtures PyTorch's
            // own float32 gradients are 2-3e-3 off float64 on conv1 and layer1, so the backward
            // of this batch is not that well conditioned and the bound was not a fair one.)
            XCTAssertLessThanOrEqual(e, 3 * e32 + 1e-5, key)
        }
    }

    func testStateDictKeysAndShapesForEveryArchitecture() throws {
        for arch in ResNetSpec.Architecture.allCases {
            let model = try TrainableResNet(ResNetSpec(arch))
            let sd = model.stateDict()
            let expected = model.spec.stateDictShapes
            XCTAssertEqual(sd.count, expected.count, "\(arch)")
            for (key, shape) in expected { XCTAssertEqual(sd[key]?.shape, shape, "\(arch) \(key)") }
            XCTAssertEqual(model.namedParameters.map(\.key), model.spec.parameterKeys, "\(arch) parameter order")
        }
    }

    func testLoadStateDictRoundTripAndErrors() throws {
        let spec = ResNetSpec(.resnet18)
        let a = try TrainableResNet(spec, seed: 1), b = try TrainableResNet(spec, seed: 2)
        XCTAssertNotEqual(a.stateDict()["conv1.weight"], b.stateDict()["conv1.weight"])
        try b.loadStateDict(a.stateDict())
        XCTAssertEqual(a.stateDict(), b.stateDict(), "round trip")

        let original = b.stateDict()
        var bad = a.stateDict()
        bad["layer2.0.conv1.weight"] = HostTensor(zeros: [128, 64, 1, 1])
        bad["extra.weight"] = HostTensor(zeros: [1])
        bad.removeValue(forKey: "fc.bias")
        XCTAssertThrowsError(try b.loadStateDict(bad)) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("layer2.0.conv1.weight") && m.contains("[128, 64, 1, 1]") && m.contains("[128, 64, 3, 3]"), m)
            XCTAssertTrue(m.contains("missing keys: fc.bias"), m)
            XCTAssertTrue(m.contains("unexpected keys: extra.weight"), m)
        }
        XCTAssertEqual(b.stateDict(), original, "a failed load changes nothing")
        // Not strict: missing/unexpected are reported, a shape mismatch is still an error.
        XCTAssertThrowsError(try b.loadStateDict(bad, strict: false))
        bad["layer2.0.conv1.weight"] = a.stateDict()["layer2.0.conv1.weight"]
        let report = try b.loadStateDict(bad, strict: false)
        XCTAssertEqual(report.missingKeys, ["fc.bias"]); XCTAssertEqual(report.unexpectedKeys, ["extra.weight"])
        // Old checkpoints without num_batches_tracked load strictly (PyTorch starts it at 0).
        let old = a.stateDict().filter { !$0.key.hasSuffix("num_batches_tracked") }
        XCTAssertEqual(try b.loadStateDict(old).missingKeys, [])
    }

    func testTorchvisionInitialisationStatistics() throws {
        let model = try TrainableResNet(ResNetSpec(.resnet50), seed: 3)
        let sd = model.stateDict()
        for key in ["conv1.weight", "layer1.0.conv2.weight", "layer3.5.conv3.weight", "layer4.0.downsample.0.weight"] {
            let t = try XCTUnwrap(sd[key])
            let fanOut = Double(t.shape[0] * t.shape[2] * t.shape[3])
            let mean = t.data.reduce(0.0) { $0 + Double($1) } / Double(t.count)
            let std = (t.data.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(t.count)).squareRoot()
            let expected = (2 / fanOut).squareRoot()
            print("[nn-train] init \(key): std \(std) vs kaiming fan_out \(expected), mean \(mean)")
            // >= 9408 samples: the std estimate is within ~1.5% (3 sigma). fan_in would differ by
            // 3x (conv1: 64*49 vs 3*49... 21x), 4x (conv3, downsample) or 1x (3x3 square convs).
            XCTAssertEqual(std / expected, 1, accuracy: 0.05, key)
            XCTAssertEqual(mean, 0, accuracy: 4 * expected / Double(t.count).squareRoot(), key)
        }
        XCTAssertEqual(Set(try XCTUnwrap(sd["layer2.1.bn2.weight"]).data), [1])
        XCTAssertEqual(Set(try XCTUnwrap(sd["layer2.1.bn2.bias"]).data), [0])
        XCTAssertEqual(Set(try XCTUnwrap(sd["bn1.running_var"]).data), [1])
        let fc = try XCTUnwrap(sd["fc.weight"]), bound = Float(1 / 2048.0.squareRoot())
        XCTAssertLessThanOrEqual(fc.data.map { abs($0) }.max()!, bound)
        XCTAssertGreaterThan(fc.data.map { abs($0) }.max()!, 0.9 * bound, "uniform fills its range")
        // Same seed, same model.
        XCTAssertEqual(try TrainableResNet(ResNetSpec(.resnet50), seed: 3).stateDict()["layer3.5.conv3.weight"], sd["layer3.5.conv3.weight"])

        model.resetHead(std: 0.02, seed: 9)
        let head = try XCTUnwrap(model.parameter("fc.weight")).value.host.data
        let hstd = (head.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(head.count)).squareRoot()
        print("[nn-train] resetHead: fc.weight std \(hstd) (want 0.02)")
        XCTAssertEqual(hstd, 0.02, accuracy: 0.002)  // 2048 samples: ~1.6% standard error
    }

    func testThreadCountDoesNotChangeResults() throws {
        let model = try TrainableResNet(ResNetSpec(.resnet18))
        try model.loadStateDict(SyntheticWeights.stateDict(model.spec))
        let x = try TrainFixture.load("resnet50_step", "x")
        let one = try ComputeOptions(threads: 1).bind {
            XCTAssertEqual(ComputeOptions.current.threads, 1)
            return try model.forward(x, mode: .eval)
        }
        let two = try ComputeOptions(threads: 2).bind { try model.forward(x, mode: .eval) }
        XCTAssertTrue(ComputeOptions.isThreadCountControllable, "omp_set_num_threads found in the OpenMP runtime")
        assertTrainClose(one, two, atol: 1e-5, rtol: 1e-5, "resnet18 logits, 1 vs 2 threads")
    }

    func testSmallInputsAndBatchLimits() throws {
        let model = try TrainableResNet(ResNetSpec(.resnet18))
        var rng = InitRandom(seed: 5)
        func input(_ n: Int, _ h: Int, _ w: Int) -> HostTensor {
            HostTensor(shape: [n, 3, h, w], data: (0..<(n * 3 * h * w)).map { _ in Float(rng.normal()) })
        }
        // 32x32: layer4 is 1x1, so batch 2 gives BatchNorm 2 values per channel.
        let (loss, logits) = try model.trainingStep(input(2, 32, 33), labels: [0, 1])
        XCTAssertTrue(loss.isFinite); XCTAssertEqual(logits.shape, [2, 1])
        XCTAssertThrowsError(try model.trainingStep(input(1, 32, 32), labels: [1])) { XCTAssertTrue("\($0)".contains("more than 1 value"), "\($0)") }
        XCTAssertEqual(try model.forward(input(1, 32, 32), mode: .eval).shape, [1, 1])
        XCTAssertThrowsError(try model.forward(HostTensor(zeros: [1, 4, 32, 32]), mode: .eval)) { XCTAssertTrue("\($0)".contains("[1, 4, 32, 32]")) }
        XCTAssertThrowsError(try model.trainingStep(input(2, 32, 32), labels: [0])) { XCTAssertTrue("\($0)".contains("labels")) }
        XCTAssertThrowsError(try model.backward(HostTensor(zeros: [3, 1])))
    }
}
