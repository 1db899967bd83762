import CDNNL

/// The oneDNN CPU engine. One per process (`DNNLEngine.cpu`): oneDNN engines are
/// thread-safe and primitives made on one engine run on any stream of that engine.
final class DNNLEngine {
    let handle: dnnl_engine_t

    init() throws {
        var engine: dnnl_engine_t?
        try dnnlCheck(dnnl_engine_create(&engine, dnnl_cpu, 0), "creating the CPU engine")
        guard let engine else { throw DNNLError(operation: "creating the CPU engine", status: "null handle") }
        handle = engine
    }

    deinit { dnnlRequire(dnnl_engine_destroy(handle), "destroying the CPU engine") }

    /// The shared CPU engine; creating it can only fail if oneDNN itself is unusable.
    static let cpu: DNNLEngine = {
        do { return try DNNLEngine() } catch { fatalError("\(error)") }
    }()
}
