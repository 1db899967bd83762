import CDNNL
import Foundation

/// glibc serves every allocation above its mmap threshold (at most 32 MB) with a fresh
/// mapping and unmaps it on free, so each new activation of a training step (50+ MB at batch
/// 16) pays page faults and kernel zeroing: measured 2x on a 1x1 conv + BN + ReLU at
/// 16x256x56x56. Raising the thresholds keeps freed buffers in the heap for the next step.
/// Process-wide and applied once, on the first training tensor; the cost is that the
/// process keeps its peak heap instead of returning it to the system.
/// The value says whether glibc took both thresholds (`mallopt` returns 0 on refusal); when it
/// did not, training is only slower, so the first tensor logs it once on standard error.
enum HeapPolicy {
    static let keepLargeBuffers: Bool = {
        let accepted = cnnspot_malloc_keep_large_buffers() != 0
        if !accepted { FileHandle.standardError.write(Data("note: mallopt refused the large-buffer thresholds; training runs slower\n".utf8)) }
        return accepted
    }()
}
