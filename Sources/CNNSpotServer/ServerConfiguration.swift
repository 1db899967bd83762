import Foundation

/// Everything `cnnspot serve` can be told: where to listen and every limit. Each limit, when
/// hit, is answered with its own JSON error (see `APIError`); defaults suit one CPU host
/// serving a team, not the open internet.
public struct ServerConfiguration: Sendable {
    /// Bind address; loopback unless the operator says otherwise.
    public var host = "127.0.0.1"
    /// Port; 0 picks a free one (printed on start).
    public var port = 8080

    /// Largest request body, enforced while it streams in (413 before it is all read).
    public var maxBodyBytes = 32 << 20
    /// Largest decoded image, checked from the header before pixels are allocated (413).
    /// 2048 x 2048 by default: a ResNet-50 at that size needs about 1.2 GB of activations.
    public var maxPixels = 2048 * 2048
    /// Most `file` parts in one multipart body (413 beyond).
    public var maxFiles = 64
    /// Most parts of any name in one multipart body (413 beyond): a body of 10,000 tiny
    /// parts is refused while it streams.
    public var maxParts = 256
    /// Whole request budget from the first byte of the body to the answer (504 beyond).
    public var requestTimeout: Duration = .seconds(30)
    /// Longest a body may take to arrive (408 beyond): a slow upload is cut off.
    public var uploadTimeout: Duration = .seconds(20)
    /// A connection that sends nothing for this long (between requests, or mid-request:
    /// a stalled upload or a trickled header) is closed.
    public var idleTimeout: Duration = .seconds(10)
    /// Most open connections; beyond it new connections wait in the listen backlog.
    public var maxConnections = 256
    /// Bytes of request bodies held in memory at once across all requests (503 beyond).
    public var maxBufferedBytes = 512 << 20

    /// Dynamic batching: at most this many same-size images run as one network batch (1: off).
    public var maxBatch = 8
    /// How long the oldest waiting image may wait for others of its size before its batch runs.
    public var maxBatchWait: Duration = .milliseconds(5)
    /// Pixels one batch may hold (as `DetectionRunner`: 16 images of 256 x 256), so large
    /// images batch less and activations stay bounded.
    public var maxBatchPixels = 16 * 256 * 256
    /// Images admitted and waiting for the network at once; beyond it the answer is 503 with
    /// `Retry-After`, never an unbounded backlog.
    public var queueCapacity = 64
    /// Seconds suggested in `Retry-After` when the queue is full.
    public var retryAfterSeconds = 1

    /// Bearer token required on `/v1/...` when set (`--token-file`).
    public var token: String?
    /// Longest graceful shutdown (finish in-flight requests) before remaining work is cancelled.
    public var shutdownTimeout: Duration = .seconds(15)

    public init() {}

    /// Problems with the values, as sentences; empty when usable.
    public func problems() -> [String] {
        var p: [String] = []
        if !(0...65535).contains(port) { p.append("port \(port) is not within 0...65535") }
        if maxBodyBytes < 1024 { p.append("max body bytes \(maxBodyBytes) is below 1024") }
        if maxPixels < 32 * 32 { p.append("max pixels \(maxPixels) is below 32x32") }
        if maxFiles < 1 { p.append("max files must be at least 1") }
        if maxParts < maxFiles { p.append("max parts \(maxParts) is below max files \(maxFiles)") }
        if maxBatch < 1 || maxBatch > 256 { p.append("max batch \(maxBatch) is not within 1...256") }
        if queueCapacity < 1 { p.append("queue capacity must be at least 1") }
        if maxConnections < 1 { p.append("max connections must be at least 1") }
        if maxBufferedBytes < maxBodyBytes { p.append("max buffered bytes is below max body bytes") }
        if let t = token, t.isEmpty { p.append("the token is empty") }
        for (name, d) in [
            ("request timeout", requestTimeout), ("upload timeout", uploadTimeout),
            ("idle timeout", idleTimeout), ("shutdown timeout", shutdownTimeout)
        ] where d <= .zero {
            p.append("\(name) must be positive")
        }
        if maxBatchWait < .zero { p.append("max batch wait must not be negative") }
        return p
    }
}

extension Duration {
    /// Seconds as a Double (for logs, JSON and `DispatchTime`).
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
