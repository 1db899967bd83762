import CDNNL

/// A oneDNN memory object that owns its buffer (allocated by oneDNN, freed in `deinit`).
/// Host access goes through `withUnsafe...` closures only.
final class DNNLMemory {
    let handle: dnnl_memory_t
    let desc: DNNLMemoryDesc
    /// Bytes of the buffer (including any blocked-layout padding).
    let byteCount: Int
    /// Number of Float values the buffer holds (float32 memory; including any padding).
    var floatCount: Int { byteCount / MemoryLayout<Float>.stride }

    /// Allocates a buffer for `desc` (any data type; host access is float32 only, other types
    /// such as pooling workspaces stay opaque), zero-filled unless `zeroed` is false (for
    /// outputs a primitive writes completely: skipping the fill saves a pass over memory).
    init(_ desc: DNNLMemoryDesc, zeroed: Bool = true, engine: DNNLEngine = .cpu) throws {
        var mem: dnnl_memory_t?
        try withUnsafePointer(to: desc.raw) { md in
            try dnnlCheck(
                dnnl_memory_create(&mem, md, engine.handle, cnnspot_dnnl_memory_allocate()),
                "allocating memory for dims \(desc.dims) (\(desc.byteCount) bytes)")
        }
        guard let mem else { throw DNNLError(operation: "allocating memory for dims \(desc.dims)", status: "null handle") }
        handle = mem
        self.desc = desc
        byteCount = desc.byteCount
        if zeroed && byteCount > 0 { rawPointer.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount) }
    }

    /// Plain (row-major) float32 memory of the given dims.
    convenience init(plain dims: [Int]) throws { try self.init(.plain(dims)) }

    deinit { dnnlRequire(dnnl_memory_destroy(handle), "destroying memory") }

    private var rawPointer: UnsafeMutableRawPointer {
        var ptr: UnsafeMutableRawPointer?
        dnnlRequire(dnnl_memory_get_data_handle(handle, &ptr), "reading a memory data handle")
        return ptr!
    }

    private var dataPointer: UnsafeMutablePointer<Float> {
        precondition(desc.raw.data_type == dnnl_f32, "host access to non-float32 memory")
        return rawPointer.assumingMemoryBound(to: Float.self)
    }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: dataPointer, count: floatCount))
    }

    func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: dataPointer, count: floatCount))
    }
}
