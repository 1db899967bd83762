/// Runs `body(range)` over `0..<count` split into one contiguous range per `ComputeOptions.current.threads`
/// worker (element-wise loops: Adam, residual adds, gradient sums). Below `minimum` elements a
/// single call on the caller's thread (small parameters are not worth a dispatch).
/// Each element is touched by exactly one call, so results do not depend on the split.
func parallelRanges(_ count: Int, minimum: Int = 1 << 16, _ body: (Range<Int>) -> Void) {
    let workers = count < minimum ? 1 : min(ComputeOptions.current.threads, count)
    if workers <= 1 { if count > 0 { body(0..<count) }; return }
    let chunk = (count + workers - 1) / workers
    parallelChannels(workers) { w in
        let lo = w * chunk, hi = min(count, lo + chunk)
        if lo < hi { body(lo..<hi) }
    }
}
