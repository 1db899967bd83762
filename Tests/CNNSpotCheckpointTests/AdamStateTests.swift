import Foundation
import XCTest
import CNNSpotCheckpoint

/// The Adam state of a CNNDetection-style training checkpoint (2 steps of torch.optim.Adam).
final class AdamStateTests: XCTestCase {
    func testAdamStateMatchesPyTorch() throws {
        let expected = try XCTUnwrap((Fixtures.expected["train"] as? [String: Any])?["adam"] as? [String: Any])
        let expectedState = try XCTUnwrap(expected["state"] as? [String: [String: Any]])
        let expectedGroups = try XCTUnwrap(expected["groups"] as? [[String: Any]])
        for file in ["train.pth", "train_legacy.pth"] {
            let ckpt = try Checkpoint.load(path: Fixtures.path(file))
            XCTAssertTrue(ckpt.hasOptimizer)
            XCTAssertEqual(ckpt.totalSteps, 2)
            let adam = try XCTUnwrap(try ckpt.adamState(), file)
            XCTAssertEqual(adam.state.count, expectedState.count, file)
            XCTAssertEqual(adam.groups.count, expectedGroups.count, file)
            for (key, e) in expectedState {
                let moments = try XCTUnwrap(adam.state[Int(key)!], "\(file): state \(key)")
                XCTAssertEqual(moments.step, (e["step"] as? NSNumber)?.doubleValue, "\(file): step of \(key)")
                XCTAssertNil(moments.maxExpAvgSq)
                let named: [NamedTensor] = [("exp_avg", moments.expAvg), ("exp_avg_sq", moments.expAvgSq)]
                let want = [e["exp_avg"], e["exp_avg_sq"]].compactMap { $0 as? [String: Any] }
                    .enumerated().map { i, d in d.merging(["key": i == 0 ? "exp_avg" : "exp_avg_sq"]) { a, _ in a } }
                try assertTensorsMatch(named, want, file: "\(file) state \(key)")
            }
            for (g, e) in zip(adam.groups, expectedGroups) {
                XCTAssertEqual(g.lr, (e["lr"] as? NSNumber)?.doubleValue)
                let betas = (e["betas"] as? [NSNumber])?.map(\.doubleValue) ?? []
                XCTAssertEqual([g.beta1, g.beta2], betas)
                XCTAssertEqual(g.eps, (e["eps"] as? NSNumber)?.doubleValue)
                XCTAssertEqual(g.weightDecay, (e["weight_decay"] as? NSNumber)?.doubleValue)
                XCTAssertEqual(g.amsgrad, e["amsgrad"] as? Bool)
                XCTAssertEqual(g.params, (e["params"] as? [NSNumber])?.map(\.intValue))
            }
        }
    }

    func testNoOptimizerGivesNil() throws {
        XCTAssertNil(try Checkpoint.load(path: Fixtures.path("bare.pth")).adamState())
    }
}
