import CDNNL

/// A oneDNN memory object that owns its buffer (allocated by oneDNN, freed in `deinit`).
/// Host access goes through `withUnsafe...` closures only.
final class DNNLMemory {
    let handle: dnnl_memory_t
    let desc: DNNLMemoryDesc
    /// Number of Float values the buffer holds (including any blocked-layout padding).
    let floatCount: Int

    /// Allocates a zero-filled buffer for `desc` (float32 only).
    init(_ desc: DNNLMemoryDesc, engine: DNNLEngine = .cpu) throws {
        precondition(desc.raw.data_type == dnnl_f32, "DNNLMemory holds float32 only")
        var mem: dnnl_memory_t?
        try withUnsafePointer(to: desc.raw) { md in
            try dnnlCheck(dnnl_memory_create(&mem, md, engine.handle, cnnspot_dnnl_memory_allocate()),
                          "allocating memory for dims \(desc.dims) (\(desc.byteCount) bytes)")
        }
        guard let mem else { throw DNNLError(operation: "allocating memory for dims \(desc.dims)", status: "null handle") }
        handle = mem
        self.desc = desc
        floatCount = desc.byteCount / MemoryLayout<Float>.stride
        withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Plain (row-major) float32 memory of the given dims.
    convenience init(plain dims: [Int]) throws { try self.init(.plain(dims)) }

    deinit { dnnlRequire(dnnl_memory_destroy(handle), "destroying memory") }

    private var dataPointer: UnsafeMutablePointer<Float> {
        var ptr: UnsafeMutableRawPointer?
        dnnlRequire(dnnl_memory_get_data_handle(handle, &ptr), "reading a memory data handle")
        return ptr!.assumingMemoryBound(to: Float.self)
    }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: dataPointer, count: floatCount))
    }

    func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: dataPointer, count: floatCount))
    }
}
