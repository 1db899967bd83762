import XCTest
import CNNSpotNN

/// Conv2d (oneDNN) against torch.nn.Conv2d(bias=False): forward, input gradient, weight
/// gradient, on shapes with stride 2, padding, odd sizes and batch > 1.
final class LayerConvTests: XCTestCase {
    func testConvMatchesPyTorch() throws {
        for name in ["conv_k3_s2_p1_odd", "conv_k1_s2_p0_even", "conv_k7_s2_p3", "conv_k3_s1_p1"] {
            let c = try TrainFixture.load(name, "config").data.map { Int($0) }
            let conv = try Conv2d(c[1], c[2], kernel: c[5], stride: c[6], padding: c[7])
            try conv.weight.value.copy(from: TrainFixture.load(name, "w"))
            let x = try Tensor.fixture(name, "x")
            let y = try conv.forward(x, mode: .train)
            // float32 sums of <= 7*7*5 products of O(1) values: 1e-5 relative to O(10) outputs.
            assertTrainClose(y.host, try TrainFixture.load(name, "y"), atol: 1e-4, rtol: 1e-4, "\(name) forward")
            let dx = try conv.backward(try Tensor.fixture(name, "dy"))
            assertTrainClose(dx.host, try TrainFixture.load(name, "dx"), atol: 1e-4, rtol: 1e-4, "\(name) dx")
            assertTrainClose(conv.weight.grad.host, try TrainFixture.load(name, "dw"), atol: 1e-4, rtol: 1e-4, "\(name) dw")
        }
    }

    func testWeightGradientsAccumulate() throws {
        let name = "conv_k3_s2_p1_odd"
        let conv = try Conv2d(3, 4, kernel: 3, stride: 2, padding: 1)
        try conv.weight.value.copy(from: TrainFixture.load(name, "w"))
        let x = try Tensor.fixture(name, "x"), dy = try Tensor.fixture(name, "dy")
        for _ in 0..<2 {
            _ = try conv.forward(x, mode: .train)
            _ = try conv.backward(dy)
        }
        let once = try TrainFixture.load(name, "dw")
        assertTrainClose(
            conv.weight.grad.host, HostTensor(shape: once.shape, data: once.data.map { 2 * $0 }), atol: 2e-4, rtol: 1e-4,
            "conv dw after two backward calls = 2x")
        conv.weight.zeroGrad()
        XCTAssertEqual(conv.weight.grad.host.data.map { abs($0) }.max(), 0)
    }

    func testBadShapesThrow() throws {
        let conv = try Conv2d(3, 4, kernel: 3)
        XCTAssertThrowsError(try conv.forward(try Tensor(zeros: [1, 2, 8, 8]), mode: .eval)) { e in
            XCTAssertTrue("\(e)".contains("[1, 2, 8, 8]"), "\(e)")
        }
        XCTAssertThrowsError(try conv.forward(try Tensor(zeros: [1, 3, 2, 2]), mode: .eval))
        XCTAssertThrowsError(try conv.backward(try Tensor(zeros: [1, 4, 6, 6])))  // no train forward
    }
}
