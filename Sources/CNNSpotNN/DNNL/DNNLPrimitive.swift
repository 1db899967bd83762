import CDNNL

/// An owned oneDNN primitive descriptor: the implementation oneDNN chose for an operation
/// descriptor (and, for backward passes, the forward primitive descriptor as hint).
final class DNNLPrimitiveDesc {
    let handle: dnnl_primitive_desc_t

    /// `opDesc` is any oneDNN operation descriptor struct (`dnnl_convolution_desc_t`, ...).
    init<OpDesc>(_ opDesc: OpDesc, attr: DNNLAttr? = nil, hint: DNNLPrimitiveDesc? = nil,
                 engine: DNNLEngine = .cpu, what: @autoclosure () -> String) throws {
        var pd: dnnl_primitive_desc_t?
        try withUnsafePointer(to: opDesc) { op in
            try dnnlCheck(dnnl_primitive_desc_create(&pd, UnsafeRawPointer(op), attr?.handle, engine.handle, hint?.handle),
                          "primitive descriptor for \(what())")
        }
        guard let pd else { throw DNNLError(operation: "primitive descriptor for \(what())", status: "null handle") }
        handle = pd
    }

    /// Reorder from one layout to another (the only way data changes layout).
    init(reorderFrom src: DNNLMemoryDesc, to dst: DNNLMemoryDesc, engine: DNNLEngine = .cpu) throws {
        var pd: dnnl_primitive_desc_t?
        try withUnsafePointer(to: src.raw) { s in
            try withUnsafePointer(to: dst.raw) { d in
                try dnnlCheck(dnnl_reorder_primitive_desc_create(&pd, s, engine.handle, d, engine.handle, nil),
                              "reorder \(src.dims)")
            }
        }
        guard let pd else { throw DNNLError(operation: "reorder \(src.dims)", status: "null handle") }
        handle = pd
    }

    deinit { dnnlRequire(dnnl_primitive_desc_destroy(handle), "destroying a primitive descriptor") }

    /// The memory descriptor the implementation uses for `what` (e.g. `dnnl_query_src_md`,
    /// `dnnl_query_workspace_md`). A zero descriptor (ndims 0) means "not used".
    func md(_ what: dnnl_query_t, index: Int32 = 0) -> DNNLMemoryDesc {
        guard let p = dnnl_primitive_desc_query_md(handle, what, index) else { return DNNLMemoryDesc(raw: dnnl_memory_desc_t()) }
        return DNNLMemoryDesc(raw: p.pointee)
    }

    /// Name of the implementation oneDNN picked (`jit:avx2`, `gemm:jit`, `ref:any`, ...).
    var implementationName: String {
        var cstr: UnsafePointer<CChar>?
        let status = withUnsafeMutablePointer(to: &cstr) {
            dnnl_primitive_desc_query(handle, dnnl_query_impl_info_str, 0, UnsafeMutableRawPointer($0))
        }
        guard status == dnnl_success, let cstr else { return "?" }
        return String(cString: cstr)
    }
}

/// Owned primitive attributes (post-ops, scratchpad mode).
final class DNNLAttr {
    let handle: dnnl_primitive_attr_t

    init() throws {
        var attr: dnnl_primitive_attr_t?
        try dnnlCheck(dnnl_primitive_attr_create(&attr), "creating primitive attributes")
        handle = attr!
    }

    deinit { dnnlRequire(dnnl_primitive_attr_destroy(handle), "destroying primitive attributes") }
}

/// An owned oneDNN primitive, executable any number of times with different memory.
final class DNNLPrimitive {
    let handle: dnnl_primitive_t
    let desc: DNNLPrimitiveDesc

    init(_ desc: DNNLPrimitiveDesc) throws {
        var prim: dnnl_primitive_t?
        try dnnlCheck(dnnl_primitive_create(&prim, desc.handle), "creating primitive \(desc.implementationName)")
        handle = prim!
        self.desc = desc
    }

    deinit { dnnlRequire(dnnl_primitive_destroy(handle), "destroying a primitive") }

    /// Runs the primitive on `stream` with `args` (`DNNLArg.src: memory, ...`) and waits.
    func execute(_ stream: DNNLStream = .current, args: [Int32: DNNLMemory], what: @autoclosure () -> String = "") throws {
        NNThreads.applyToCurrentThread()
        let list = args.map { dnnl_exec_arg_t(arg: $0.key, memory: $0.value.handle) }
        try withExtendedLifetime(args) {
            try list.withUnsafeBufferPointer { buf in
                try dnnlCheck(dnnl_primitive_execute(handle, stream.handle, Int32(buf.count), buf.baseAddress),
                              "executing \(desc.implementationName) \(what())")
            }
            try stream.wait()
        }
    }
}
