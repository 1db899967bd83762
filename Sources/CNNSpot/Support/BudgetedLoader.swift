import Foundation

/// Loads items `0..<count` on worker threads and hands them to one consumer in index order,
/// while the items admitted and not yet released by the consumer cost at most `budget`
/// (for detection: decoded pixels). An item costing more than the whole budget is admitted
/// alone, when nothing else is held.
///
/// Admission is in index order (item i waits until i-1 is admitted), so the consumer can
/// always make progress: if the next item is loaded but does not fit, `next()` returns
/// `.stalled` instead of blocking, and the consumer must `release` something it holds (score
/// a partial batch). Memory held is thus at most `budget` plus one item per worker (loaded,
/// waiting for its turn) plus what each worker's `produce` allocates while it runs.
final class BudgetedLoader<T> {
    enum Next {
        case item(index: Int, value: T, cost: Int)
        /// The next item is loaded but the budget is full: release something, then ask again.
        case stalled
        case end
    }

    private final class State {
        let count: Int
        let budget: Int
        let maxAhead: Int
        let produce: (Int) -> (T, Int)
        let cond = NSCondition()
        var ready: [Int: (T, Int)] = [:]
        var nextToClaim = 0
        var nextToTake = 0
        /// The next index to admit into the budget.
        var turn = 0
        /// Cost of the items admitted and not released.
        var used = 0
        /// The index whose worker waits for budget (always `turn`), or -1.
        var stalledIndex = -1
        var cancelled = false

        init(count: Int, budget: Int, maxAhead: Int, produce: @escaping (Int) -> (T, Int)) {
            self.count = count; self.budget = budget; self.maxAhead = maxAhead; self.produce = produce
        }

        func work() {
            while true {
                cond.lock()
                while !cancelled && nextToClaim < count && nextToClaim >= nextToTake + maxAhead { cond.wait() }
                if cancelled || nextToClaim >= count { cond.unlock(); return }
                let i = nextToClaim
                nextToClaim += 1
                cond.unlock()
                let (value, cost) = produce(i)
                cond.lock()
                while !cancelled && (turn != i || (used > 0 && used + cost > budget)) {
                    if turn == i && stalledIndex != i { stalledIndex = i; cond.broadcast() }
                    cond.wait()
                }
                if stalledIndex == i { stalledIndex = -1 }
                if cancelled { cond.unlock(); return }
                turn += 1
                used += cost
                ready[i] = (value, cost)
                cond.broadcast()
                cond.unlock()
            }
        }
    }

    private let state: State

    init(count: Int, workers: Int, budget: Int, maxAhead: Int, produce: @escaping (Int) -> (T, Int)) {
        precondition(workers >= 1 && maxAhead >= 1)
        let state = State(count: count, budget: budget, maxAhead: maxAhead, produce: produce)
        self.state = state
        for _ in 0..<workers {
            let t = Thread { state.work() }
            t.stackSize = 8 << 20
            t.start()
        }
    }

    deinit { cancel() }

    /// The next item in index order, `.stalled` (see the type's note), or `.end` after the last.
    func next() -> Next {
        let s = state
        s.cond.lock()
        defer { s.cond.unlock() }
        while true {
            if s.nextToTake >= s.count || s.cancelled { return .end }
            if let (value, cost) = s.ready.removeValue(forKey: s.nextToTake) {
                s.nextToTake += 1
                s.cond.broadcast()
                return .item(index: s.nextToTake - 1, value: value, cost: cost)
            }
            if s.stalledIndex == s.nextToTake { return .stalled }
            s.cond.wait()
        }
    }

    /// Returns `cost` to the budget (the consumer is done with an item).
    func release(_ cost: Int) {
        guard cost != 0 else { return }
        state.cond.lock()
        state.used -= cost
        state.cond.broadcast()
        state.cond.unlock()
    }

    /// Budget in use (for tests).
    var used: Int { state.cond.lock(); defer { state.cond.unlock() }; return state.used }

    /// Stops the workers after their current item.
    func cancel() {
        state.cond.lock()
        state.cancelled = true
        state.cond.broadcast()
        state.cond.unlock()
    }
}
