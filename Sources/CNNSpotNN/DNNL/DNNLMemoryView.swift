import CDNNL

/// A oneDNN memory object that does not own its buffer (the inference plans' activations): either a view with its own descriptor
/// (layout) over the buffer of a `DNNLMemory` (so activations of different layers share a few
/// buffers), or an unbound view whose buffer is set per call (the caller's input, no copy).
final class DNNLMemoryView {
    let handle: dnnl_memory_t
    let desc: DNNLMemoryDesc
    /// Keeps the aliased buffer alive as long as the view.
    private let backing: DNNLMemory?

    /// A view of `backing`'s buffer laid out as `desc` (which must fit in it).
    init(_ desc: DNNLMemoryDesc, over backing: DNNLMemory) throws {
        precondition(desc.byteCount <= backing.desc.byteCount, "view of \(desc.byteCount) bytes over \(backing.desc.byteCount)")
        var data: UnsafeMutableRawPointer?
        dnnlRequire(dnnl_memory_get_data_handle(backing.handle, &data), "reading a memory data handle")
        handle = try Self.create(desc, data)
        self.desc = desc
        self.backing = backing
    }

    /// A view with no buffer yet: `bind` one before each use.
    init(unbound desc: DNNLMemoryDesc) throws {
        handle = try Self.create(desc, cnnspot_dnnl_memory_none())
        self.desc = desc
        backing = nil
    }

    private static func create(_ desc: DNNLMemoryDesc, _ data: UnsafeMutableRawPointer?) throws -> dnnl_memory_t {
        var mem: dnnl_memory_t?
        try withUnsafePointer(to: desc.raw) { md in
            try dnnlCheck(dnnl_memory_create(&mem, md, DNNLEngine.cpu.handle, data), "memory view for dims \(desc.dims)")
        }
        guard let mem else { throw DNNLError(operation: "memory view for dims \(desc.dims)", status: "null handle") }
        return mem
    }

    deinit { dnnlRequire(dnnl_memory_destroy(handle), "destroying a memory view") }

    /// Points an unbound view at the caller's buffer for the duration of `body`, then unbinds it
    /// so no dangling pointer outlives the call. oneDNN only reads sources.
    func bound<R>(to buffer: UnsafeBufferPointer<Float>, _ body: () throws -> R) throws -> R {
        precondition(backing == nil, "bound(to:) is for unbound views")
        precondition(buffer.count * MemoryLayout<Float>.stride >= desc.byteCount, "input buffer smaller than \(desc.dims)")
        let data = UnsafeMutableRawPointer(mutating: buffer.baseAddress)
        try dnnlCheck(dnnl_memory_set_data_handle(handle, data), "binding the input buffer")
        defer { dnnlRequire(dnnl_memory_set_data_handle(handle, nil), "unbinding the input buffer") }
        return try body()
    }
}
