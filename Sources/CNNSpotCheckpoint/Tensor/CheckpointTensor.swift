import Foundation

/// One tensor from a checkpoint: dtype, shape, strides and offset (in elements) into a shared
/// storage, exactly as PyTorch describes it (`torch._utils._rebuild_tensor_v2(storage,
/// storage_offset, size, stride, ...)`). Non-contiguous views (transposes, slices) are allowed;
/// `contiguousBytes()` / `floatValues()` gather the elements in row-major (C) order.
public struct CheckpointTensor: Sendable {
    public let dtype: TensorDType
    /// Logical shape (PyTorch `size()`), e.g. `[64, 3, 7, 7]` for `conv1.weight`; `[]` for a scalar.
    public let shape: [Int]
    /// Element strides per dimension (PyTorch `stride()`).
    public let strides: [Int]
    /// First element's index in the storage, in elements of `dtype`, counted from `storageByteOffset`.
    public let storageOffset: Int
    /// Byte offset of the storage view inside `storage` (non-zero only for legacy storage views).
    public let storageByteOffset: Int
    public let storage: TensorStorage

    init(
        dtype: TensorDType, shape: [Int], strides: [Int], storageOffset: Int, storage: TensorStorage,
        storageByteOffset: Int = 0
    ) {
        self.dtype = dtype
        self.shape = shape
        self.strides = strides
        self.storageOffset = storageOffset
        self.storage = storage
        self.storageByteOffset = storageByteOffset
    }

    /// A contiguous tensor owning `bytes` (row-major, little-endian elements of `dtype`).
    public init(dtype: TensorDType, shape: [Int], contiguousBytes bytes: Data) throws {
        guard let count = CheckpointTensor.elementCount(shape), count.multipliedReportingOverflow(by: dtype.byteSize).partialValue == bytes.count,
            !count.multipliedReportingOverflow(by: dtype.byteSize).overflow
        else {
            throw CheckpointError.badTensor(key: "(new)", reason: "\(bytes.count) bytes do not hold \(dtype) of shape \(shape)")
        }
        self.init(
            dtype: dtype, shape: shape, strides: CheckpointTensor.contiguousStrides(shape), storageOffset: 0,
            storage: TensorStorage(key: "(memory)", declaredByteCount: bytes.count, bytes: bytes))
    }

    /// A contiguous float32 tensor, row-major values (e.g. a trained weight to save).
    public init(shape: [Int], floats: [Float]) throws {
        var bytes = Data(count: floats.count * 4)
        bytes.withUnsafeMutableBytes { raw in
            for (i, v) in floats.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
        try self.init(dtype: .float32, shape: shape, contiguousBytes: bytes)
    }

    /// A contiguous int64 tensor (e.g. `num_batches_tracked`).
    public init(shape: [Int], int64s: [Int64]) throws {
        var bytes = Data(count: int64s.count * 8)
        bytes.withUnsafeMutableBytes { raw in
            for (i, v) in int64s.enumerated() { raw.storeBytes(of: v.littleEndian, toByteOffset: 8 * i, as: Int64.self) }
        }
        try self.init(dtype: .int64, shape: shape, contiguousBytes: bytes)
    }

    /// Number of elements (product of `shape`; 1 for a scalar; 0 for an invalid shape, which
    /// `validate` rejects before a tensor reaches the caller).
    public var count: Int { CheckpointTensor.elementCount(shape) ?? 0 }

    /// True when the elements are laid out row-major without gaps (size-1 dims may have any
    /// stride; an empty tensor counts as contiguous, as in PyTorch).
    public var isContiguous: Bool {
        if count == 0 { return true }
        var expected = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] != 1 {
            if strides[d] != expected { return false }
            expected = expected &* shape[d]  // no overflow: the product of all sizes is `count`
        }
        return true
    }

    static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for s in shape {
            guard s >= 0 else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: s)
            if o { return nil }
            n = p
        }
        return n
    }

    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = acc
            acc = acc &* max(shape[d], 1)
        }
        return strides
    }
}
