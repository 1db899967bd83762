import XCTest
import CNNSpotNN

/// Adam and SGD stepped side by side with torch.optim on the same gradients (5 steps, weight
/// decay on, the learning rate changed before step 4 as an LR schedule would).
final class TrainOptimizerTests: XCTestCase {
    private func params(_ name: String) throws -> [(key: String, parameter: Parameter)] {
        let p1 = try Parameter(zeros: [3, 4]), p2 = try Parameter(zeros: [5])
        try p1.value.copy(from: TrainFixture.load(name, "p1_0")); try p2.value.copy(from: TrainFixture.load(name, "p2_0"))
        return [("a.weight", p1), ("b.bias", p2)]
    }

    private func run(
        _ name: String, _ ps: [(key: String, parameter: Parameter)], steps: ClosedRange<Int>,
        setLR: (Double) -> Void, lrChange: Double, step: () throws -> Void
    ) throws {
        for s in steps {
            if s == 4 { setLR(lrChange) }
            try ps[0].parameter.grad.copy(from: TrainFixture.load(name, "g1_\(s)"))
            try ps[1].parameter.grad.copy(from: TrainFixture.load(name, "g2_\(s)"))
            try step()
            // Updates are O(lr) = 1e-3; float32 rounding of O(1) parameters is ~1e-7.
            assertTrainClose(ps[0].parameter.value.host, try TrainFixture.load(name, "p1_\(s)"), atol: 1e-6, rtol: 1e-6, "\(name) p1 step \(s)")
            assertTrainClose(ps[1].parameter.value.host, try TrainFixture.load(name, "p2_\(s)"), atol: 1e-6, rtol: 1e-6, "\(name) p2 step \(s)")
        }
    }

    func testAdamMatchesTorch() throws {
        let ps = try params("adam")
        let adam = Adam(ps, lr: 1e-3, betas: (0.9, 0.999), eps: 1e-8, weightDecay: 0.01)
        try run("adam", ps, steps: 1...5, setLR: { adam.lr = $0 }, lrChange: 5e-4, step: adam.step)
        let state = adam.exportState()
        XCTAssertEqual(Set(state.keys), ["a.weight", "b.bias"])
        for (i, key) in ["a.weight", "b.bias"].enumerated() {
            let s = try XCTUnwrap(state[key])
            XCTAssertEqual(Float(s.step), try TrainFixture.load("adam", "step\(i + 1)").data[0])
            assertTrainClose(s.expAvg, try TrainFixture.load("adam", "exp_avg\(i + 1)"), atol: 1e-6, rtol: 1e-5, "adam exp_avg \(key)")
            assertTrainClose(s.expAvgSq, try TrainFixture.load("adam", "exp_avg_sq\(i + 1)"), atol: 1e-8, rtol: 1e-5, "adam exp_avg_sq \(key)")
        }
    }

    /// Export after 3 steps, import into a fresh optimizer, continue: same as never stopping.
    func testAdamStateRoundTripResumes() throws {
        let ps = try params("adam")
        let first = Adam(ps, lr: 1e-3, weightDecay: 0.01)
        try run("adam", ps, steps: 1...3, setLR: { first.lr = $0 }, lrChange: 5e-4, step: first.step)
        let resumed = Adam(ps, lr: 1e-3, weightDecay: 0.01)
        try resumed.importState(first.exportState())
        try run("adam", ps, steps: 4...5, setLR: { resumed.lr = $0 }, lrChange: 5e-4, step: resumed.step)

        // PyTorch-style indices: position in parameters() order.
        let indexed = resumed.exportIndexedState()
        XCTAssertEqual(indexed[0], resumed.exportState()["a.weight"]); XCTAssertEqual(indexed[1], resumed.exportState()["b.bias"])
        XCTAssertThrowsError(try resumed.importIndexedState([2: indexed[0]!])) { XCTAssertTrue("\($0)".contains("index 2")) }
        let third = Adam(ps, lr: 1e-3, weightDecay: 0.01)
        try third.importIndexedState(indexed)
        XCTAssertEqual(third.exportState(), resumed.exportState())

        XCTAssertThrowsError(try resumed.importState(["nope": .init(step: 1, expAvg: HostTensor(zeros: [5]), expAvgSq: HostTensor(zeros: [5]))])) {
            XCTAssertTrue("\($0)".contains("nope"))
        }
        XCTAssertThrowsError(try resumed.importState(["b.bias": .init(step: 1, expAvg: HostTensor(zeros: [4]), expAvgSq: HostTensor(zeros: [5]))])) {
            XCTAssertTrue("\($0)".contains("b.bias"))
        }
    }

    func testSGDMatchesTorch() throws {
        for (name, nesterov) in [("sgd", false), ("sgd_nesterov", true)] {
            let ps = try params(name)
            let sgd = SGD(ps, lr: 0.01, momentum: 0.9, weightDecay: 1e-4, nesterov: nesterov)
            try run(name, ps, steps: 1...5, setLR: { sgd.lr = $0 }, lrChange: 0.005, step: sgd.step)
        }
    }
}
