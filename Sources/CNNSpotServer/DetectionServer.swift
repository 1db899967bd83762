import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// `cnnspot serve`: the HTTP API and the page, on Hummingbird 2.
///
/// Routes: `GET /` (the page), `GET /healthz`, `GET /readyz`, `GET /metrics`,
/// `GET /v1/models`, `POST /v1/detect`, `POST /v1/spectrum` (see docs/API.md). With a
/// token, `/v1/...` needs `Authorization: Bearer <token>`.
///
/// Shutdown (SIGTERM / SIGINT, through swift-service-lifecycle): the listener closes, in-flight
/// requests finish (at most `shutdownTimeout`, then they are cancelled), the batcher drains,
/// and `run` returns normally.
public struct DetectionServer: Sendable {
    public let service: DetectionService
    public let logger: Logger

    public init(service: DetectionService, logger: Logger) {
        self.service = service
        self.logger = logger
    }

    /// Every route, as documented in docs/openapi.yaml (a test holds the two together).
    public static let routes: [(method: String, path: String)] = [
        ("GET", "/"), ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"),
        ("GET", "/v1/models"), ("POST", "/v1/detect"), ("POST", "/v1/spectrum")
    ]

    /// The router with every route and middleware (used by `run` and by the router tests).
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let service = self.service
        router.add(middleware: AccessLogMiddleware(logger: logger, metrics: service.metrics))
        router.get("/") { _, _ in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8", .cacheControl: "no-cache",
                    .init("Content-Security-Policy")!: WebPage.contentSecurityPolicy
                ],
                body: .init(byteBuffer: ByteBuffer(string: WebPage.html)))
        }
        router.get("/healthz") { _, _ in try service.json(["status": "alive"]) }
        router.get("/readyz") { _, _ in
            service.isReady
                ? try service.json(["status": "ready"])
                : try service.json(["status": "loading"], status: .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: service.metrics.render())))
        }
        let api = router.group("v1")
        if let token = service.configuration.token {
            api.add(middleware: BearerTokenMiddleware(token: token, metrics: service.metrics))
        }
        api.get("models") { _, _ in try service.models() }
        api.post("detect") { request, context in try await service.detect(request, requestID: context.id) }
        api.post("spectrum") { request, _ in try await service.spectrum(request) }
        return router
    }

    /// Serves until SIGTERM or SIGINT; `onListening` gets the bound port (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let c = service.configuration
        let app = Application(
            router: router(),
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(c.idleTimeout.seconds * 1e9)))),
            configuration: .init(
                address: .hostname(c.host, port: c.port), serverName: "cnnspot",
                availableConnectionsDelegate: MaximumAvailableConnections(c.maxConnections)),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? c.port) },
            logger: logger)
        let lifecycle = BatcherService(service: service, logger: logger)
        var config = ServiceGroupConfiguration(
            services: [app, lifecycle], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        config.maximumGracefulShutdownDuration = c.shutdownTimeout
        try await ServiceGroup(configuration: config).run()
    }
}

/// Runs the batcher for the service group's lifetime: warms the network, then on graceful
/// shutdown stops admitting work and lets queued images finish.
struct BatcherService: Service {
    let service: DetectionService
    let logger: Logger

    func run() async throws {
        try await offloadThrowing { try service.start() }
        logger.info("model ready", metadata: ["model": .string(service.model.info.name)])
        try? await gracefulShutdown()
        service.stop()
    }
}

func offloadThrowing<T>(_ work: @escaping () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        DispatchQueue.global(qos: .userInitiated).async { c.resume(with: Result { try work() }) }
    }
}
