import Foundation

/// Runs `produce(i)` for i in 0..<count on `workers` background threads, at most `depth`
/// items ahead of the consumer, and hands results back strictly in index order. Data
/// loading (decode + augmentation) thus overlaps compute, and the result never depends on
/// thread timing: each item must depend on its index only (seed per-item RNGs from it).
public final class OrderedPrefetcher<T> {
    private let count: Int
    private let depth: Int
    private let produce: (Int) -> T
    private let cond = NSCondition()
    private var ready: [Int: T] = [:]
    private var nextToClaim: Int
    private var nextToTake: Int
    private var cancelled = false
    private var threads: [Thread] = []

    /// - Parameters:
    ///   - start: first index (to resume mid-way).
    public init(count: Int, start: Int = 0, workers: Int, depth: Int, produce: @escaping (Int) -> T) {
        precondition(workers >= 1 && depth >= 1)
        self.count = count
        self.depth = depth
        self.produce = produce
        self.nextToClaim = start
        self.nextToTake = start
        for _ in 0..<workers {
            let t = Thread { [unowned self] in self.work() }
            t.stackSize = 8 << 20
            threads.append(t)
        }
        threads.forEach { $0.start() }
    }

    deinit { cancel() }

    private func work() {
        while true {
            cond.lock()
            while !cancelled && nextToClaim < count && nextToClaim >= nextToTake + depth { cond.wait() }
            if cancelled || nextToClaim >= count { cond.unlock(); return }
            let i = nextToClaim
            nextToClaim += 1
            cond.unlock()
            let value = produce(i)
            cond.lock()
            ready[i] = value
            cond.broadcast()
            cond.unlock()
        }
    }

    /// The next item in index order, or nil after the last.
    public func next() -> T? {
        cond.lock()
        defer { cond.unlock() }
        guard nextToTake < count, !cancelled else { return nil }
        while ready[nextToTake] == nil { cond.wait() }
        let value = ready.removeValue(forKey: nextToTake)!
        nextToTake += 1
        cond.broadcast()
        return value
    }

    /// Stops the workers after their current item.
    public func cancel() {
        cond.lock()
        cancelled = true
        cond.broadcast()
        cond.unlock()
    }
}
