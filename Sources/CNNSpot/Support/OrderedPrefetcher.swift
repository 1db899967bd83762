import Foundation

/// Runs `produce(i)` for i in 0..<count on `workers` background threads, at most `depth`
/// items ahead of the consumer, and hands results back strictly in index order. Data
/// loading (decode + augmentation) thus overlaps compute, and the result never depends on
/// thread timing: each item must depend on its index only (seed per-item RNGs from it).
public final class OrderedPrefetcher<T> {
    /// The queue state, owned jointly by the prefetcher and its worker threads: a worker may
    /// still be finishing an item after the prefetcher is gone (cancelled, or dropped right
    /// after its last item), so it must not reach back into the prefetcher itself.
    private final class State {
        let count: Int
        let depth: Int
        let produce: (Int) -> T
        let cond = NSCondition()
        var ready: [Int: T] = [:]
        var nextToClaim: Int
        var nextToTake: Int
        var cancelled = false

        init(count: Int, start: Int, depth: Int, produce: @escaping (Int) -> T) {
            self.count = count; self.depth = depth; self.produce = produce
            self.nextToClaim = start; self.nextToTake = start
        }

        func work() {
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
    }

    private let state: State

    /// - Parameters:
    ///   - start: first index (to resume mid-way).
    public init(count: Int, start: Int = 0, workers: Int, depth: Int, produce: @escaping (Int) -> T) {
        precondition(workers >= 1 && depth >= 1)
        let state = State(count: count, start: start, depth: depth, produce: produce)
        self.state = state
        for _ in 0..<workers {
            let t = Thread { state.work() }
            t.stackSize = 8 << 20
            t.start()
        }
    }

    deinit { cancel() }

    /// The next item in index order, or nil after the last.
    public func next() -> T? {
        let s = state
        s.cond.lock()
        defer { s.cond.unlock() }
        guard s.nextToTake < s.count, !s.cancelled else { return nil }
        while s.ready[s.nextToTake] == nil { s.cond.wait() }
        let value = s.ready.removeValue(forKey: s.nextToTake)!
        s.nextToTake += 1
        s.cond.broadcast()
        return value
    }

    /// Stops the workers after their current item.
    public func cancel() {
        state.cond.lock()
        state.cancelled = true
        state.cond.broadcast()
        state.cond.unlock()
    }
}
