import Foundation
import XCTest
import CNNSpot

/// Issue 13 row 3: decoded pixels in flight are bounded by `maxPixelsInFlight` (plus one image
/// per decode thread), and records are emitted as soon as they are scored.
final class DetectionRunnerBudgetTests: XCTestCase {
    /// Counts pixels between `load` (produced) and `logits` (consumed) and keeps the maximum.
    final class Tracker: LogitModel, @unchecked Sendable {
        let lock = NSLock()
        var live = 0, peak = 0, batches: [Int] = []
        func produced(_ pixels: Int) { lock.lock(); live += pixels; peak = max(peak, live); lock.unlock() }
        func logits(_ batch: HostTensor) throws -> [Float] {
            lock.lock(); live -= batch.shape[0] * batch.shape[2] * batch.shape[3]; batches.append(batch.shape[0]); lock.unlock()
            return [Float](repeating: 0.5, count: batch.shape[0])
        }
    }

    func testPixelsInFlightStayWithinTheBudget() {
        let tracker = Tracker()
        let side = 100
        let runner = DetectionRunner(model: tracker, threshold: 0.5, normalization: .unit) { _ in
            tracker.produced(side * side)
            return .init(image: RGBImage(width: side, height: side, pixels: [UInt8](repeating: 7, count: side * side * 3)), format: "png")
        }
        runner.batchSize = 16
        runner.decodeThreads = 2
        runner.maxPixelsInFlight = 3 * side * side
        var rows = 0
        runner.run((0..<60).map { "img\($0)" }) { r in
            XCTAssertNil(r.error); rows += 1
        }
        XCTAssertEqual(rows, 60)
        XCTAssertEqual(tracker.batches.reduce(0, +), 60)
        // Budget (3 images) plus one loaded image per decode thread waiting for its turn.
        print("budget test: peak \(tracker.peak / (side * side)) images in flight (budget 3 + 2 threads), batches \(tracker.batches)")
        XCTAssertLessThanOrEqual(tracker.peak, runner.maxPixelsInFlight + runner.decodeThreads * side * side)
        XCTAssertTrue(tracker.batches.allSatisfy { $0 <= 3 }, "a batch cannot hold more than the budget: \(tracker.batches)")
    }

    func testAnImageLargerThanTheBudgetRunsAlone() {
        let tracker = Tracker()
        let runner = DetectionRunner(model: tracker, threshold: 0.5, normalization: .unit) { p in
            let side = p.hasPrefix("big") ? 200 : 40
            tracker.produced(side * side)
            return .init(image: RGBImage(width: side, height: side, pixels: [UInt8](repeating: 1, count: side * side * 3)), format: "png")
        }
        runner.maxPixelsInFlight = 100 * 100
        var paths: [String] = []
        runner.run(["a", "big1", "b", "big2", "c"]) { paths.append($0.path) }
        XCTAssertEqual(paths, ["a", "big1", "b", "big2", "c"], "input order kept")
        XCTAssertLessThanOrEqual(tracker.peak, 200 * 200 * 3, "at most the one admitted plus one per decode thread")
    }

    func testRowsAreEmittedBeforeLaterImagesLoad() {
        // Image 6 can only load after row 0 was emitted. Scoring that waits for a whole chunk
        // (3274969: 32 images) never emits row 0 in time; the watchdog turns the wait into a failure.
        let emitted = DispatchSemaphore(value: 0)
        let runner = DetectionRunner(model: Tracker(), threshold: 0.5, normalization: .unit) { p in
            if p == "img6" && emitted.wait(timeout: .now() + 20) == .timedOut {
                throw NSError(domain: "test", code: 1, userInfo: [NSLocalizedDescriptionKey: "row 0 was not emitted before image 6 was needed"])
            }
            return .init(image: RGBImage(width: 64, height: 64, pixels: [UInt8](repeating: 3, count: 64 * 64 * 3)), format: "png")
        }
        runner.batchSize = 4
        var first = true
        var errors: [String] = []
        runner.run((0..<10).map { "img\($0)" }) { r in
            if first { first = false; emitted.signal() }
            if let e = r.error { errors.append(e) }
        }
        XCTAssertEqual(errors, [])
    }
}
