import XCTest
import CNNSpotNN

/// BatchNorm2d, ReLU, MaxPool2d, global average pool and Linear against PyTorch.
final class LayerNormPoolTests: XCTestCase {
    func testBatchNormTrainEvalAndRunningStats() throws {
        for name in ["bn_small", "bn_batch2_1x1"] {
            let shape = try TrainFixture.load(name, "shape").data.map { Int($0) }
            let bn = try BatchNorm2d(shape[1])
            try bn.weight.value.copy(from: TrainFixture.load(name, "weight"))
            try bn.bias.value.copy(from: TrainFixture.load(name, "bias"))
            try bn.runningMean.copy(from: TrainFixture.load(name, "rm0"))
            try bn.runningVar.copy(from: TrainFixture.load(name, "rv0"))
            let x = try Tensor.fixture(name, "x")
            assertTrainClose(try bn.forward(x, mode: .eval).host, try TrainFixture.load(name, "y_eval"), atol: 1e-5, rtol: 1e-5, "\(name) eval forward")
            XCTAssertEqual(bn.numBatchesTracked, 0, "eval leaves the running stats alone")
            let y = try bn.forward(x, mode: .train)
            assertTrainClose(y.host, try TrainFixture.load(name, "y_train"), atol: 1e-5, rtol: 1e-5, "\(name) train forward")
            assertTrainClose(bn.runningMean.host, try TrainFixture.load(name, "rm1"), atol: 1e-6, rtol: 1e-6, "\(name) running_mean")
            assertTrainClose(bn.runningVar.host, try TrainFixture.load(name, "rv1"), atol: 1e-6, rtol: 1e-5, "\(name) running_var (unbiased)")
            XCTAssertEqual(bn.numBatchesTracked, 1)
            let dx = try bn.backward(try Tensor.fixture(name, "dy"))
            // References are PyTorch float64. With 2 values per channel (bn_batch2_1x1) dx is pure
            // cancellation (|dx| ~ 1e-4, float32 cancellation error ~ 2e-7): 1e-6 absolute there.
            assertTrainClose(dx.host, try TrainFixture.load(name, "dx"), atol: name == "bn_small" ? 1e-5 : 1e-6, rtol: 1e-4, "\(name) dx")
            assertTrainClose(bn.weight.grad.host, try TrainFixture.load(name, "dweight"), atol: 1e-5, rtol: 1e-5, "\(name) dweight")
            assertTrainClose(bn.bias.grad.host, try TrainFixture.load(name, "dbias"), atol: 1e-5, rtol: 1e-5, "\(name) dbias")
        }
    }

    func testBatchNormRefusesOneValuePerChannelInTraining() throws {
        let bn = try BatchNorm2d(2)
        XCTAssertThrowsError(try bn.forward(try Tensor(zeros: [1, 2, 1, 1]), mode: .train))
        XCTAssertNoThrow(try bn.forward(try Tensor(zeros: [1, 2, 1, 1]), mode: .eval))
    }

    func testReLU() throws {
        let relu = ReLU()
        let y = try relu.forward(try Tensor.fixture("relu", "x"), mode: .train)
        assertTrainClose(y.host, try TrainFixture.load("relu", "y"), atol: 0, "relu forward (exact)")
        let dx = try relu.backward(try Tensor.fixture("relu", "dy"))
        assertTrainClose(dx.host, try TrainFixture.load("relu", "dx"), atol: 0, "relu dx (exact, 0 at x == 0)")
    }

    func testMaxPool() throws {
        for name in ["maxpool_odd", "maxpool_even"] {
            let pool = MaxPool2d(kernel: 3, stride: 2, padding: 1)
            let y = try pool.forward(try Tensor.fixture(name, "x"), mode: .train)
            assertTrainClose(y.host, try TrainFixture.load(name, "y"), atol: 0, "\(name) forward (exact)")
            let dx = try pool.backward(try Tensor.fixture(name, "dy"))
            // Overlapping windows sum several dy into one input: float addition order only.
            assertTrainClose(dx.host, try TrainFixture.load(name, "dx"), atol: 1e-6, rtol: 1e-6, "\(name) dx")
        }
    }

    func testGlobalAvgPool() throws {
        let pool = GlobalAvgPool()
        let y = try pool.forward(try Tensor.fixture("avgpool", "x"), mode: .train)
        assertTrainClose(y.host, try TrainFixture.load("avgpool", "y"), atol: 1e-6, rtol: 1e-6, "avgpool forward")
        let dx = try pool.backward(try Tensor.fixture("avgpool", "dy"))
        assertTrainClose(dx.host, try TrainFixture.load("avgpool", "dx"), atol: 1e-7, rtol: 1e-6, "avgpool dx")
    }

    func testLinear() throws {
        let lin = try Linear(7, 2)
        try lin.weight.value.copy(from: TrainFixture.load("linear", "w"))
        try lin.bias.value.copy(from: TrainFixture.load("linear", "b"))
        let y = try lin.forward(try Tensor.fixture("linear", "x"), mode: .train)
        assertTrainClose(y.host, try TrainFixture.load("linear", "y"), atol: 1e-5, rtol: 1e-5, "linear forward")
        let dx = try lin.backward(try Tensor.fixture("linear", "dy"))
        assertTrainClose(dx.host, try TrainFixture.load("linear", "dx"), atol: 1e-5, rtol: 1e-5, "linear dx")
        assertTrainClose(lin.weight.grad.host, try TrainFixture.load("linear", "dw"), atol: 1e-5, rtol: 1e-5, "linear dw")
        assertTrainClose(lin.bias.grad.host, try TrainFixture.load("linear", "db"), atol: 1e-5, rtol: 1e-5, "linear db")
    }

    func testBCEWithLogits() throws {
        let (loss, grad) = try BCEWithLogits.forwardBackward(
            logits: try TrainFixture.load("bce", "logits"),
            targets: try TrainFixture.load("bce", "targets"))
        let expected = try TrainFixture.load("bce", "loss").data[0]
        print("[nn-train] bce loss \(loss) vs torch \(expected), |err| \(abs(loss - expected))")
        XCTAssertTrue(loss.isFinite)
        XCTAssertEqual(loss, expected, accuracy: 1e-5 * max(1, abs(expected)))
        assertTrainClose(grad, try TrainFixture.load("bce", "grad"), atol: 1e-7, rtol: 1e-5, "bce grad")
        XCTAssertThrowsError(try BCEWithLogits.loss(logits: HostTensor(zeros: [2, 1]), targets: HostTensor(zeros: [2])))
    }
}
