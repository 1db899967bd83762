import CDNNL

/// glibc serves every allocation above its mmap threshold (at most 32 MB) with a fresh
/// mapping and unmaps it on free, so each new activation of a training step (50+ MB at batch
/// 16) pays page faults and kernel zeroing: measured 2x on a 1x1 conv + BN + ReLU at
/// 16x256x56x56. Raising the thresholds keeps freed buffers in the heap for the next step.
/// Process-wide and applied once, on the first training tensor; the cost is that the
/// process keeps its peak heap instead of returning it to the system.
enum HeapPolicy {
    static let keepLargeBuffers: Void = { _ = cnnspot_malloc_keep_large_buffers() }()
}
