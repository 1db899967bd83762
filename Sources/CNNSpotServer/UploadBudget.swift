import Foundation

/// Bytes of request bodies held in memory across all requests, bounded: many large uploads
/// at once are refused (503) instead of growing the process without limit.
final class UploadBudget: @unchecked Sendable {
    private let limit: Int
    private let lock = NSLock()
    private var used = 0

    init(limit: Int) { self.limit = limit }

    /// Takes `bytes` from the budget, or returns false (nothing taken) when it would overflow.
    func take(_ bytes: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard used + bytes <= limit else { return false }
        used += bytes
        return true
    }

    func give(_ bytes: Int) {
        lock.lock(); used -= bytes; lock.unlock()
    }

    var inUse: Int { lock.lock(); defer { lock.unlock() }; return used }
}
