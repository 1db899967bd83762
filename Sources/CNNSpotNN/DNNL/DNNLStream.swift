import CDNNL
import Foundation

/// An in-order oneDNN CPU stream. Execution on the CPU engine is synchronous after `wait()`.
/// A stream is not thread-safe: use one per thread (`DNNLStream.current` keeps one per thread).
final class DNNLStream {
    let handle: dnnl_stream_t
    let engine: DNNLEngine

    init(engine: DNNLEngine = .cpu) throws {
        var stream: dnnl_stream_t?
        try dnnlCheck(dnnl_stream_create(&stream, engine.handle, dnnl_stream_default_flags.rawValue), "creating a CPU stream")
        guard let stream else { throw DNNLError(operation: "creating a CPU stream", status: "null handle") }
        handle = stream
        self.engine = engine
    }

    deinit { dnnlRequire(dnnl_stream_destroy(handle), "destroying a stream") }

    func wait() throws { try dnnlCheck(dnnl_stream_wait(handle), "waiting for the stream") }
}

extension DNNLStream {
    /// One stream per thread, created on first use.
    static var current: DNNLStream {
        let key = "cnnspot.dnnl.stream"
        if let s = Thread.current.threadDictionary[key] as? DNNLStream { return s }
        let s: DNNLStream
        do { s = try DNNLStream() } catch { fatalError("\(error)") }
        Thread.current.threadDictionary[key] = s
        return s
    }
}
