import Foundation
import Metrics
import Prometheus

/// The server's metrics, recorded through swift-metrics into a Prometheus registry of its own
/// (not the process-wide `MetricsSystem`, so several servers, e.g. in tests, do not mix) and
/// rendered in the Prometheus text format by `/metrics`.
///
/// - `cnnspot_http_requests_total{route, status}`: answers by route template and status;
/// - `cnnspot_http_request_duration_seconds{route}`: latency histogram;
/// - `cnnspot_images_scored_total{verdict}`: images that got a logit;
/// - `cnnspot_queue_depth`: images admitted and waiting for (or in) the network;
/// - `cnnspot_requests_rejected_total{reason}`: queue full, busy, too large, timeouts, auth;
/// - `cnnspot_batch_size`: images per network batch (dynamic batching at work).
public final class ServerMetrics: @unchecked Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let depth: Metrics.Gauge
    private let batch: Metrics.Recorder
    private let batchSeconds: Metrics.Timer

    public init() {
        var f = PrometheusMetricsFactory(registry: registry)
        f.defaultDurationHistogramBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30].map { .milliseconds(Int64($0 * 1000)) }
        f.valueHistogramBuckets = ["cnnspot_batch_size": [1, 2, 4, 8, 16, 32, 64]]
        factory = f
        depth = Metrics.Gauge(label: "cnnspot_queue_depth", factory: f)
        batch = Metrics.Recorder(label: "cnnspot_batch_size", aggregate: true, factory: f)
        batchSeconds = Metrics.Timer(label: "cnnspot_batch_duration_seconds", factory: f)
        depth.record(0)
    }

    func request(route: String, status: Int, seconds: Double) {
        Counter(label: "cnnspot_http_requests_total", dimensions: [("route", route), ("status", String(status))], factory: factory).increment()
        Metrics.Timer(label: "cnnspot_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(Int64(seconds * 1e9))
    }

    func scored(_ verdict: String) {
        Counter(label: "cnnspot_images_scored_total", dimensions: [("verdict", verdict)], factory: factory).increment()
    }

    func rejected(_ reason: String) {
        Counter(label: "cnnspot_requests_rejected_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    func queueDepth(_ n: Int) { depth.record(n) }

    func batchRan(size: Int, seconds: Double) {
        batch.record(size)
        batchSeconds.recordNanoseconds(Int64(seconds * 1e9))
    }

    /// The Prometheus text exposition of everything recorded.
    public func render() -> String { registry.emitToString() }
}
