import CDNNL

/// A oneDNN memory descriptor (dims, data type, layout) as a value. `plain` is PyTorch's
/// row-major layout (`nchw` for activations, `oihw` for conv weights, `nc`/`x` otherwise);
/// `any` lets a primitive choose its preferred (often blocked, e.g. `nChw8c`) layout.
struct DNNLMemoryDesc {
    var raw: dnnl_memory_desc_t

    init(raw: dnnl_memory_desc_t) { self.raw = raw }

    /// A descriptor with the given dims, format tag and data type (float32 unless given).
    init(dims: [Int], tag: dnnl_format_tag_t, dataType: dnnl_data_type_t = dnnl_f32) throws {
        precondition(!dims.isEmpty && dims.count <= 12, "DNNLMemoryDesc: \(dims.count) dims")
        var md = dnnl_memory_desc_t()
        let d = dims.map { Int64($0) }
        try dnnlCheck(dnnl_memory_desc_init_by_tag(&md, Int32(d.count), d, dataType, tag),
                      "memory descriptor for dims \(dims)")
        raw = md
    }

    /// Row-major float32 (PyTorch's contiguous layout) for 1 to 6 dims.
    static func plain(_ dims: [Int]) throws -> DNNLMemoryDesc {
        let tags: [dnnl_format_tag_t] = [dnnl_a, dnnl_ab, dnnl_abc, dnnl_abcd, dnnl_abcde, dnnl_abcdef]
        precondition(dims.count >= 1 && dims.count <= tags.count, "plain layout for \(dims.count) dims")
        return try DNNLMemoryDesc(dims: dims, tag: tags[dims.count - 1])
    }

    /// Layout chosen by the primitive that consumes this descriptor.
    static func any(_ dims: [Int]) throws -> DNNLMemoryDesc {
        try DNNLMemoryDesc(dims: dims, tag: dnnl_format_tag_any)
    }

    /// Layout chosen by the consuming primitive, for `dataType` values.
    static func any(_ dims: [Int], dataType: dnnl_data_type_t) throws -> DNNLMemoryDesc {
        try DNNLMemoryDesc(dims: dims, tag: dnnl_format_tag_any, dataType: dataType)
    }

    /// Logical dims.
    var dims: [Int] {
        withUnsafeBytes(of: raw.dims) { buf in
            (0..<Int(raw.ndims)).map { Int(buf.load(fromByteOffset: $0 * 8, as: Int64.self)) }
        }
    }

    /// Bytes a memory object with this descriptor occupies (blocked layouts may pad).
    var byteCount: Int { withUnsafePointer(to: raw) { dnnl_memory_desc_get_size($0) } }

    /// Same layout and dims (oneDNN's own comparison).
    func isEqual(to other: DNNLMemoryDesc) -> Bool {
        withUnsafePointer(to: raw) { a in withUnsafePointer(to: other.raw) { b in dnnl_memory_desc_equal(a, b) != 0 } }
    }
}
