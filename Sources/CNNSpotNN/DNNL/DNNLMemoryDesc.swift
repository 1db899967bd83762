import CDNNL

/// A oneDNN memory descriptor (dims, data type, layout) as a value. `plain` is PyTorch's
/// row-major layout (`nchw` for activations, `oihw` for conv weights, `nc`/`x` otherwise);
/// `any` lets a primitive choose its preferred (often blocked, e.g. `nChw8c`) layout.
struct DNNLMemoryDesc {
    var raw: dnnl_memory_desc_t

    init(raw: dnnl_memory_desc_t) { self.raw = raw }

    /// A descriptor with the given dims, layout and data type (float32 unless given).
    init(dims: [Int], format: DNNLFormat, dataType: DNNLDataType = .f32) throws {
        precondition(!dims.isEmpty && dims.count <= 12, "DNNLMemoryDesc: \(dims.count) dims")
        var md = dnnl_memory_desc_t()
        let d = dims.map { Int64($0) }
        try dnnlCheck(
            dnnl_memory_desc_init_by_tag(&md, Int32(d.count), d, dataType.raw, format.raw(dims: d.count)),
            "memory descriptor for dims \(dims)")
        raw = md
    }

    /// Row-major float32 (PyTorch's contiguous layout) for 1 to 6 dims.
    static func plain(_ dims: [Int]) throws -> DNNLMemoryDesc {
        try DNNLMemoryDesc(dims: dims, format: .plain)
    }

    /// Layout chosen by the primitive that consumes this descriptor.
    static func any(_ dims: [Int]) throws -> DNNLMemoryDesc {
        try DNNLMemoryDesc(dims: dims, format: .any)
    }

    /// Layout chosen by the consuming primitive, for `dataType` values.
    static func any(_ dims: [Int], dataType: DNNLDataType) throws -> DNNLMemoryDesc {
        try DNNLMemoryDesc(dims: dims, format: .any, dataType: dataType)
    }

    /// The element type; nil for one this package does not create (a workspace's, say).
    var dataType: DNNLDataType? { DNNLDataType(raw: raw.data_type) }

    /// No memory (what a primitive descriptor answers for an argument it does not use).
    var isEmpty: Bool { raw.ndims == 0 }

    /// Whether this is `format` for its own dims and data type (a blocked layout check).
    func isLaidOut(as format: DNNLFormat) throws -> Bool {
        guard let type = dataType else { return false }
        return isEqual(to: try DNNLMemoryDesc(dims: dims, format: format, dataType: type))
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
