import Foundation

extension CheckpointTensor {
    /// Checks the tensor as a view before anything is allocated for it, with overflow-checked
    /// arithmetic: the element count from the shape, every element the strides and offset
    /// address inside its storage's bytes, and the bytes it materialises (`count * byteSize`,
    /// what `contiguousBytes()` allocates) no more than its storage holds, or `maxRepeatedViewBytes`. The last rule bounds
    /// views that address storage elements more than once (a stride of 0 from `expand`,
    /// overlapping strides): a 4-byte storage viewed as 2^30 elements would otherwise pass the
    /// bounds check and ask for 4 GiB. Views PyTorch saves from ordinary tensors (slices,
    /// transposes, `narrow`) address each element once and always pass. `key` names the tensor.
    /// Bytes a view that addresses storage elements more than once (an `expand`, overlapping
    /// `as_strided`) may still materialise: such views do occur in real files (small expands,
    /// weights saved as overlapping views of one storage), and up to 16 MiB they cost nothing
    /// a checkpoint's own size could not; past it they are refused before any allocation.
    public static let maxRepeatedViewBytes = 16 << 20

    public func validate(key: String) throws {
        guard shape.count == strides.count else {
            throw CheckpointError.badTensor(key: key, reason: "shape \(shape) and strides \(strides) differ in rank")
        }
        guard let n = CheckpointTensor.elementCount(shape) else {
            throw CheckpointError.badTensor(key: key, reason: "invalid or overflowing shape \(shape)")
        }
        guard storageOffset >= 0, storageByteOffset >= 0, strides.allSatisfy({ $0 >= 0 }) else {
            throw CheckpointError.badTensor(key: key, reason: "negative offset \(storageOffset) or stride \(strides)")
        }
        guard let bytes = storage.bytes else {
            throw CheckpointError.badStorage(key: storage.key, reason: "no data was found for this storage (used by '\(key)')")
        }
        if n == 0 { return }
        // Highest element index reached = offset + sum((size-1) * stride).
        var last = storageOffset
        for (s, st) in zip(shape, strides) {
            let (p, o1) = (s - 1).multipliedReportingOverflow(by: st)
            let (q, o2) = last.addingReportingOverflow(p)
            if o1 || o2 { throw CheckpointError.badTensor(key: key, reason: "strides \(strides) overflow") }
            last = q
        }
        let (endElements, o3) = last.addingReportingOverflow(1)
        let (endBytes, o4) = endElements.multipliedReportingOverflow(by: dtype.byteSize)
        let (total, o5) = endBytes.addingReportingOverflow(storageByteOffset)
        guard !o3, !o4, !o5, total <= bytes.count else {
            throw CheckpointError.badTensor(
                key: key,
                reason:
                    "shape \(shape), strides \(strides), offset \(storageOffset) reach past its storage '\(storage.key)' of \(bytes.count) bytes")
        }
        let (materialised, o6) = n.multipliedReportingOverflow(by: dtype.byteSize)
        guard !o6, materialised <= max(bytes.count - storageByteOffset, Self.maxRepeatedViewBytes) else {
            let what = strides.contains(0) ? "a stride of 0 (an expanded view)" : "overlapping strides"
            throw CheckpointError.badTensor(
                key: key,
                reason:
                    "shape \(shape) with strides \(strides) repeats elements through \(what): it would materialise "
                    + "\(o6 ? "more than \(Int.max)" : String(materialised)) bytes from a storage of \(bytes.count) bytes (refused; save it with .contiguous() or .clone())"
            )
        }
    }
}
