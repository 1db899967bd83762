import Foundation
import XCTest
import CNNSpot

final class OrderedPrefetcherTests: XCTestCase {
    func testDeliversInOrderDespiteUnevenWork() {
        let p = OrderedPrefetcher<Int>(count: 200, workers: 3, depth: 5) { i in
            usleep(useconds_t((i * 7919) % 13) * 100)  // uneven, so workers finish out of order
            return i * i
        }
        var got: [Int] = []
        while let v = p.next() { got.append(v) }
        XCTAssertEqual(got, (0..<200).map { $0 * $0 })
    }

    func testStartsMidwayAndNeverRunsAheadOfDepth() {
        let lock = NSLock()
        var maxAhead = 0
        var taken = 10
        let p = OrderedPrefetcher<Int>(count: 60, start: 10, workers: 2, depth: 4) { i in
            lock.lock(); maxAhead = max(maxAhead, i - taken); lock.unlock()
            return i
        }
        var got: [Int] = []
        while let v = p.next() {
            got.append(v)
            lock.lock(); taken = v + 1; lock.unlock()
            usleep(200)
        }
        XCTAssertEqual(got, Array(10..<60))
        XCTAssertLessThan(maxAhead, 4 + 1, "a worker produced more than `depth` items ahead")
    }

    func testEmptyAndCancel() {
        let empty = OrderedPrefetcher<Int>(count: 0, workers: 2, depth: 2) { $0 }
        XCTAssertNil(empty.next())
        let p = OrderedPrefetcher<Int>(count: 1000, workers: 2, depth: 2) { $0 }
        XCTAssertEqual(p.next(), 0)
        p.cancel()
        XCTAssertNil(p.next())
    }
}
