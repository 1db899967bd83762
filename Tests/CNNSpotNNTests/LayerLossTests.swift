import XCTest
import CNNSpotNN

/// L1Loss and MSELoss (mean) against torch.nn.L1Loss / MSELoss and their definitions.
final class LayerLossTests: XCTestCase {
    private func run(_ name: String, _ f: (HostTensor, HostTensor) throws -> (loss: Float, grad: HostTensor)) throws {
        let p = try LayerFixture.load(name, "prediction"), t = try LayerFixture.load(name, "target")
        let (loss, grad) = try f(p, t)
        let expected = try LayerFixture.load(name, "loss").data[0]
        print("[nn-layers] \(name) loss \(loss) vs torch \(expected), |err| \(abs(loss - expected))")
        XCTAssertEqual(loss, expected, accuracy: 1e-6 * max(1, abs(expected)))
        XCTAssertEqual(grad.shape, p.shape)
        // Gradients are +-1/n or 2 d / n: float rounding of one product.
        assertTrainClose(grad, try LayerFixture.load(name, "grad"), atol: 1e-9, rtol: 1e-6, "\(name) grad")
    }

    func testL1MatchesPyTorch() throws {
        try run("l1", L1Loss.forwardBackward)
        let p = try LayerFixture.load("l1", "prediction"), t = try LayerFixture.load("l1", "target")
        let g = try L1Loss.forwardBackward(prediction: p, target: t).grad
        XCTAssertEqual(Array(g.data[0..<3]), [0, 0, 0], "equal values: zero gradient (the fixture sets 3)")
    }

    func testMSEMatchesPyTorch() throws { try run("mse", MSELoss.forwardBackward) }

    func testNaiveDefinitions() throws {
        var r = LayerRandom(seed: 61)
        let shape = [3, 2, 5, 3]
        let p = r.normals(90), t = r.normals(90)
        let l1 = p.indices.reduce(0.0) { $0 + abs(p[$1] - t[$1]) } / 90
        let mse = p.indices.reduce(0.0) { $0 + (p[$1] - t[$1]) * (p[$1] - t[$1]) } / 90
        let a = try L1Loss.forwardBackward(prediction: hostTensor(shape, p), target: hostTensor(shape, t))
        let b = try MSELoss.forwardBackward(prediction: try Tensor(hostTensor(shape, p)), target: try Tensor(hostTensor(shape, t)))
        XCTAssertEqual(Double(a.loss), l1, accuracy: 1e-6); XCTAssertEqual(Double(b.loss), mse, accuracy: 1e-6)
        assertTrainClose(a.grad, hostTensor(shape, p.indices.map { p[$0] > t[$0] ? 1.0 / 90 : -1.0 / 90 }), atol: 0, rtol: 1e-7, "l1 grad vs definition")
        assertTrainClose(b.grad.host, hostTensor(shape, p.indices.map { 2 * (p[$0] - t[$0]) / 90 }), atol: 0, rtol: 1e-6, "mse grad vs definition")
    }

    func testBadShapesThrow() throws {
        XCTAssertThrowsError(try L1Loss.loss(prediction: HostTensor(zeros: [2, 3]), target: HostTensor(zeros: [3, 2]))) {
            XCTAssertTrue("\($0)".contains("[2, 3]"), "\($0)")
        }
        XCTAssertThrowsError(try MSELoss.loss(prediction: HostTensor(zeros: [2]), target: HostTensor(zeros: [2, 1])))
    }
}
