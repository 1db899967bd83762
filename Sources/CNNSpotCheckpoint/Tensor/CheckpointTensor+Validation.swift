import Foundation

extension CheckpointTensor {
    /// Checks that every element this tensor addresses lies inside its storage's bytes, with
    /// overflow-checked arithmetic. `key` names the tensor in the error.
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
            throw CheckpointError.badTensor(key: key, reason:
                "shape \(shape), strides \(strides), offset \(storageOffset) reach past its storage '\(storage.key)' of \(bytes.count) bytes")
        }
    }
}
