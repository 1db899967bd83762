import CDNNL

/// An owned oneDNN primitive descriptor: the implementation oneDNN chose for an operation
/// descriptor (and, for backward passes, the forward primitive descriptor as hint).
final class DNNLPrimitiveDesc {
    let handle: dnnl_primitive_desc_t

    /// `opDesc` is any oneDNN operation descriptor struct (`dnnl_convolution_desc_t`, ...).
    init<OpDesc>(
        _ opDesc: OpDesc, attr: DNNLAttr? = nil, hint: DNNLPrimitiveDesc? = nil,
        engine: DNNLEngine = .cpu, what: @autoclosure () -> String
    ) throws {
        var pd: dnnl_primitive_desc_t?
        try withUnsafePointer(to: opDesc) { op in
            try dnnlCheck(
                dnnl_primitive_desc_create(&pd, UnsafeRawPointer(op), attr?.handle, engine.handle, hint?.handle),
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
                try dnnlCheck(
                    dnnl_reorder_primitive_desc_create(&pd, s, engine.handle, d, engine.handle, nil),
                    "reorder \(src.dims)")
            }
        }
        guard let pd else { throw DNNLError(operation: "reorder \(src.dims)", status: "null handle") }
        handle = pd
    }

    deinit { dnnlRequire(dnnl_primitive_desc_destroy(handle), "destroying a primitive descriptor") }

    /// The memory descriptor the implementation uses for `what` (`.src`, `.workspace`, ...).
    /// An empty descriptor (`isEmpty`) means "not used".
    func md(_ what: DNNLQuery) -> DNNLMemoryDesc {
        let (query, index) = what.raw
        guard let p = dnnl_primitive_desc_query_md(handle, query, index) else { return DNNLMemoryDesc(raw: dnnl_memory_desc_t()) }
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

/// Owned primitive attributes: post-ops and the scratchpad mode.
final class DNNLAttr {
    let handle: dnnl_primitive_attr_t

    /// `userScratchpad`: the caller passes the primitive's work space (`DNNLArg.scratchpad`)
    /// instead of oneDNN allocating it per call. `postOps` run after the operation, in order.
    init(userScratchpad: Bool = false, postOps: [DNNLPostOp] = []) throws {
        var attr: dnnl_primitive_attr_t?
        try dnnlCheck(dnnl_primitive_attr_create(&attr), "creating primitive attributes")
        handle = attr!
        if userScratchpad {
            try dnnlCheck(dnnl_primitive_attr_set_scratchpad_mode(handle, dnnl_scratchpad_mode_user), "setting the scratchpad mode")
        }
        guard !postOps.isEmpty else { return }
        var ops: dnnl_post_ops_t?
        try dnnlCheck(dnnl_post_ops_create(&ops), "creating post-ops")
        defer { dnnlRequire(dnnl_post_ops_destroy(ops), "destroying post-ops") }
        for op in postOps {
            switch op {
            case .sum(let scale): try dnnlCheck(dnnl_post_ops_append_sum(ops, scale), "appending a sum post-op")
            case .eltwise(let f, let alpha, let beta):
                try dnnlCheck(dnnl_post_ops_append_eltwise(ops, 1, f.raw, alpha, beta), "appending a \(f) post-op")
            }
        }
        try dnnlCheck(dnnl_primitive_attr_set_post_ops(handle, ops), "setting post-ops")
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
        ComputeOptions.current.applyThreadCount()
        let list = args.map { dnnl_exec_arg_t(arg: $0.key, memory: $0.value.handle) }
        try withExtendedLifetime(args) {
            try list.withUnsafeBufferPointer { buf in
                try dnnlCheck(
                    dnnl_primitive_execute(handle, stream.handle, Int32(buf.count), buf.baseAddress),
                    "executing \(desc.implementationName) \(what())")
            }
            try stream.wait()
        }
    }
}

/// Memory a primitive can be given as an argument: owned (`DNNLMemory`) or a view (`DNNLMemoryView`).
protocol DNNLMemoryObject: AnyObject {
    var handle: dnnl_memory_t { get }
}

extension DNNLMemory: DNNLMemoryObject {}
extension DNNLMemoryView: DNNLMemoryObject {}

/// A primitive with its arguments bound once, for plans that run the same primitives on the
/// same memory many times (no dictionary or argument list built per call). The caller keeps
/// the memory objects alive as long as this value.
struct DNNLBoundPrimitive {
    let primitive: DNNLPrimitive
    private let args: [dnnl_exec_arg_t]

    init(_ primitive: DNNLPrimitive, args: [(Int32, DNNLMemoryObject)]) {
        self.primitive = primitive
        self.args = args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1.handle) }
    }

    /// Queues the primitive on `stream` (the caller waits on the stream after the last one).
    func enqueue(on stream: DNNLStream, what: @autoclosure () -> String) throws {
        try args.withUnsafeBufferPointer { buf in
            try dnnlCheck(dnnl_primitive_execute(primitive.handle, stream.handle, Int32(buf.count), buf.baseAddress), "executing \(what())")
        }
    }
}
