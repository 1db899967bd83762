import Foundation

/// The raw bytes behind one or more tensors (a PyTorch storage). Tensors that share a storage
/// in the file share one `TensorStorage` here, so shared memory is read once.
///
/// In the legacy format the bytes arrive after the pickle has referenced the storage, so `bytes`
/// is filled in later; a tensor whose storage never got its bytes is reported as an error.
public final class TensorStorage: @unchecked Sendable {
    /// The storage key in the file (`data/<key>` in a zip archive, the legacy storage id, or the
    /// safetensors tensor name).
    public let key: String
    /// Size in bytes declared by the file (element count times element size).
    public let declaredByteCount: Int
    /// The bytes, once read. Little-endian elements.
    public internal(set) var bytes: Data?

    init(key: String, declaredByteCount: Int, bytes: Data? = nil) {
        self.key = key
        self.declaredByteCount = declaredByteCount
        self.bytes = bytes
    }
}
