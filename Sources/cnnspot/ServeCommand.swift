import ArgumentParser
import CNNSpot
import CNNSpotServer
import Foundation
import Logging

/// `cnnspot serve -m MODEL`: the HTTP API and the page (see docs/API.md).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the detector over HTTP: a JSON API and a page to drop images on.",
        discussion: """
            Routes: GET / (the page), POST /v1/detect, POST /v1/spectrum, GET /v1/models, \
            GET /healthz, GET /readyz, GET /metrics. Binds to 127.0.0.1 unless --host says otherwise. \
            Concurrent requests are batched for the network (same-size images, at most --batch-size, \
            waiting at most --max-batch-wait-ms); when --queue-capacity images wait, new requests get \
            503 with Retry-After. Every limit answers with a JSON error. SIGTERM or SIGINT: stop \
            accepting, finish in-flight requests (at most --shutdown-timeout s), exit 0. \
            Prints 'listening on http://HOST:PORT' once the port is bound (--port 0 picks a free one).
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Address to bind (127.0.0.1: this machine only; 0.0.0.0: every interface).")
    var host = "127.0.0.1"

    @Option(help: "Port (0: a free one, printed on start).")
    var port = 8080

    @Option(help: "File holding a bearer token required on /v1/... (Authorization: Bearer TOKEN).")
    var tokenFile: String?

    @Option(help: "Largest request body in bytes (413 beyond, enforced while it streams).")
    var maxBodyBytes = ServerConfiguration().maxBodyBytes

    @Option(help: "Largest image in pixels, from its header before decoding (413 beyond).")
    var maxPixels = ServerConfiguration().maxPixels

    @Option(help: "Most 'file' parts in one multipart request.")
    var maxFiles = ServerConfiguration().maxFiles

    @Option(help: "Most parts of any name in one multipart request.")
    var maxParts = ServerConfiguration().maxParts

    @Option(help: "Seconds a request may take from its body's first byte to the answer (504 beyond).")
    var requestTimeout: Double = 30

    @Option(help: "Seconds a request body may take to arrive (408 beyond).")
    var uploadTimeout: Double = 20

    @Option(help: "Seconds a connection may send nothing (idle, stalled upload, trickled header) before it is closed.")
    var idleTimeout: Double = 10

    @Option(help: "Most open connections.")
    var maxConnections = ServerConfiguration().maxConnections

    @Option(help: "Milliseconds the oldest waiting image may wait for same-size images to batch with (0: no wait).")
    var maxBatchWaitMs: Double = 5

    @Option(help: "Images admitted and waiting for the network at once (503 + Retry-After beyond).")
    var queueCapacity = ServerConfiguration().queueCapacity

    @Option(help: "Bytes of request bodies held in memory at once over all requests (503 beyond).")
    var maxBufferedBytes = ServerConfiguration().maxBufferedBytes

    @Option(help: "Seconds to finish in-flight requests on SIGTERM/SIGINT before cancelling them.")
    var shutdownTimeout: Double = 15

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level '\(logLevel)' is not a log level") }
        if let problem = try serverConfiguration(token: nil).problems().first { throw ValidationError(problem) }
    }

    func serverConfiguration(token: String?) throws -> ServerConfiguration {
        var c = ServerConfiguration()
        c.host = host
        c.port = port
        c.token = token
        c.maxBodyBytes = maxBodyBytes
        c.maxPixels = maxPixels
        c.maxFiles = maxFiles
        c.maxParts = maxParts
        c.requestTimeout = .milliseconds(Int64(requestTimeout * 1000))
        c.uploadTimeout = .milliseconds(Int64(uploadTimeout * 1000))
        c.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        c.maxConnections = maxConnections
        c.maxBatch = modelOptions.batchSize
        c.maxBatchWait = .microseconds(Int64(maxBatchWaitMs * 1000))
        c.queueCapacity = queueCapacity
        c.maxBufferedBytes = maxBufferedBytes
        c.shutdownTimeout = .milliseconds(Int64(shutdownTimeout * 1000))
        return c
    }

    /// The token file's contents, surrounding white space removed.
    func readToken() throws -> String? {
        guard let tokenFile else { return nil }
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw FileError(description: "cannot read the token file \(tokenFile)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw FileError(description: "\(tokenFile): the token file is empty") }
        guard token.count >= 16 else { throw FileError(description: "\(tokenFile): a token needs at least 16 characters") }
        return token
    }

    func run() throws {
        // The default-model resolution is `detect`'s (ModelOptions.modelPath).
        let path = try modelOptions.requiredModelPath()
        let config = try serverConfiguration(token: readToken())
        let model = try naming(path) { try ScoringModel.load(path: path, strict: !modelOptions.nonStrict, compute: modelOptions.compute) }
        var logger = Logger(label: "cnnspot.serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        if !["127.0.0.1", "::1", "localhost"].contains(host) && config.token == nil {
            logger.warning("binding \(host) without --token-file: anyone who can reach this address can use the API")
        }
        let server = DetectionServer(service: DetectionService(model: model, configuration: config), logger: logger)
        let done = DispatchSemaphore(value: 0)
        final class Outcome: @unchecked Sendable { var error: Error? }
        let outcome = Outcome()
        let shownHost = host.contains(":") ? "[\(host)]" : host
        Task {
            do {
                try await server.run { port in
                    print("listening on http://\(shownHost):\(port)")
                    fflush(stdout)
                }
            } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw FileError(description: "serve: \(error)") }
        printError("serve: stopped")
    }
}
