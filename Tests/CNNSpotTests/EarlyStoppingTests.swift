import XCTest
import CNNSpot

final class EarlyStoppingTests: XCTestCase {
    /// Flat accuracy: the reference lowers the rate after 1 + patience epochs, then again
    /// after another 1 + patience, and stops when 1e-4 would go below 1e-6.
    func testFlatAccuracyDropsTwiceThenStops() {
        var es = EarlyStopping(learningRate: 1e-4)
        var decisions: [EarlyStopping.Decision] = []
        for _ in 0..<30 {
            let d = es.step(score: 0.9)
            decisions.append(d)
            if d == .stop { break }
        }
        XCTAssertEqual(decisions[0], .continue(isBest: true))
        XCTAssertEqual(decisions[1...4].filter { $0 == .continue(isBest: false) }.count, 4)
        XCTAssertEqual(decisions[5], .lowerLearningRate(to: 1e-4 / 10))
        XCTAssertEqual(decisions[6], .continue(isBest: true), "a fresh EarlyStopping after the drop")
        XCTAssertEqual(decisions[11], .lowerLearningRate(to: 1e-4 / 10 / 10))
        XCTAssertEqual(decisions.last, .stop)
        XCTAssertEqual(decisions.count, 18)
    }

    func testImprovementBelowDeltaDoesNotCount() {
        var es = EarlyStopping(learningRate: 1e-4)
        XCTAssertEqual(es.step(score: 0.80), .continue(isBest: true))
        XCTAssertEqual(es.step(score: 0.8009), .continue(isBest: false))  // +0.09% < 0.1%
        XCTAssertEqual(es.counter, 1)
        XCTAssertEqual(es.step(score: 0.8011), .continue(isBest: true))  // beats best + 0.1%
        XCTAssertEqual(es.counter, 0)
        XCTAssertEqual(es.bestScore, 0.8011)
    }

    func testSecondPhaseNeedsTwoTenthsOfAPercent() {
        var es = EarlyStopping(learningRate: 1e-4, patience: 1)
        _ = es.step(score: 0.5)
        XCTAssertEqual(es.step(score: 0.5), .lowerLearningRate(to: 1e-5))
        XCTAssertEqual(es.step(score: 0.6), .continue(isBest: true))
        XCTAssertEqual(es.step(score: 0.6015), .lowerLearningRate(to: 1e-4 / 10 / 10), "+0.15% is not enough after the first drop")
        XCTAssertEqual(es.step(score: 0.7), .continue(isBest: true))
        XCTAssertEqual(es.step(score: 0.7), .stop)
    }
}
