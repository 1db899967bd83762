import XCTest
import CNNSpotNN

/// The blocked-layout path (oneDNN nChw16c between layers, BatchNorm loops over channel
/// blocks) against the row-major path: same network, same numbers.
final class TrainLayoutTests: XCTestCase {
    func testBlockedAndRowMajorNetworksAgree() throws {
        let x = try TrainFixture.load("resnet50_step", "x")
        let labels = try TrainFixture.load("resnet50_step", "labels").data
        var results: [(HostTensor, Float, HostTensor, HostTensor)] = []
        let gradKey = "layer1.0.conv2.weight"
        for blocked in [true, false] {
            try ComputeOptions(preferBlockedLayouts: blocked).bind {
                let model = try TrainableResNet(ResNetSpec(.resnet18))
                try model.loadStateDict(SyntheticWeights.stateDict(model.spec))
                let eval = try model.forward(x, mode: .eval)
                let (loss, _) = try model.trainingStep(x, labels: labels)
                results.append((eval, loss, try XCTUnwrap(model.gradient(gradKey)), try XCTUnwrap(model.stateDict()["layer3.1.bn2.running_var"])))
            }
        }
        assertTrainClose(results[0].0, results[1].0, atol: 1e-5, rtol: 1e-5, "eval logits blocked vs row-major")
        XCTAssertEqual(results[0].1, results[1].1, accuracy: 1e-5)
        // The two paths sum in different orders, and this batch's backward is not well
        // conditioned (PyTorch's own float32 gradient is ~3e-3 off float64 here): so each path is
        // held to PyTorch's float64 gradient within 3x PyTorch float32's own deviation, plus 1e-5.
        let r64 = try TrainFixture.load("resnet18_step", "grad64." + gradKey), r32 = try TrainFixture.load("resnet18_step", "grad32." + gradKey)
        func relL2(_ a: HostTensor, _ b: HostTensor) -> Double {
            var num = 0.0, den = 0.0
            for i in 0..<a.count { let d = Double(a.data[i]) - Double(b.data[i]); num += d * d; den += Double(b.data[i]) * Double(b.data[i]) }
            return (num / max(den, 1e-300)).squareRoot()
        }
        let bound = 3 * relL2(r32, r64) + 1e-5
        for (name, g) in [("blocked", results[0].2), ("row-major", results[1].2)] {
            XCTAssertEqual(g.shape, r64.shape)
            let e = relL2(g, r64)
            print("[nn-train] \(gradKey) grad, \(name): rel L2 vs torch float64 \(e) (bound \(bound))")
            XCTAssertLessThanOrEqual(e, bound, "\(gradKey) grad, \(name) layouts")
        }
        assertTrainClose(results[0].3, results[1].3, atol: 1e-5, rtol: 1e-5, "layer3.1.bn2.running_var blocked vs row-major")
    }

    func testBatchNormOnBlockedConvOutputMatchesRowMajor() throws {
        var rng = InitRandom(seed: 11)
        let conv = try Conv2d(8, 32, kernel: 3, stride: 1, padding: 1)
        try conv.weight.value.copy(from: HostTensor(shape: [32, 8, 3, 3], data: (0..<(32 * 72)).map { _ in Float(rng.normal() * 0.2) }))
        let x = try Tensor(HostTensor(shape: [3, 8, 6, 5], data: (0..<720).map { _ in Float(rng.normal()) }))
        let y = try conv.forward(x, mode: .train)  // blocked when ComputeOptions.preferBlockedLayouts (the default)
        let bnA = try BatchNorm2d(32), bnB = try BatchNorm2d(32)
        let outA = try bnA.forward(y, mode: .train), outB = try bnB.forward(try Tensor(y.host), mode: .train)
        assertTrainClose(outA.host, outB.host, atol: 1e-6, rtol: 1e-6, "batch norm on conv output vs on its row-major copy")
        let dy = HostTensor(shape: y.shape, data: (0..<y.count).map { _ in Float(rng.normal()) })
        assertTrainClose(try bnA.backward(try Tensor(dy)).host, try bnB.backward(try Tensor(dy)).host, atol: 1e-6, rtol: 1e-6, "batch norm dx, same")
        assertTrainClose(bnA.weight.grad.host, bnB.weight.grad.host, atol: 1e-5, rtol: 1e-6, "batch norm dweight, same")
    }
}
