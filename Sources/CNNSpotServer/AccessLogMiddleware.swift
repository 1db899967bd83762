import Foundation
import Hummingbird
import Logging

/// The outermost middleware: turns every error into its JSON answer (so logs and metrics see
/// the status the client gets), then writes one structured access-log line per request
/// (request id, method, route, status, bytes in and out, milliseconds) and records the
/// request metrics. The route is the matched template (`/v1/detect`), or `unmatched`, so a
/// scanner probing random paths cannot blow up the metrics' label set.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        var response: Response
        var errorCode: String?
        do {
            response = try await next(request, context)
        } catch let e as APIError {
            errorCode = e.code
            response = try e.response(from: request, context: context)
        } catch let e as HTTPResponseError {
            // Hummingbird's own errors (404, 405, ...), re-dressed in our JSON shape.
            let code = e.status == .notFound ? "not_found" : e.status == .methodNotAllowed ? "method_not_allowed" : "http_\(e.status.code)"
            let message = (e as? HTTPError)?.body ?? e.status.reasonPhrase
            errorCode = code
            response = try APIError(e.status, code, message).response(from: request, context: context)
        } catch {
            errorCode = "internal"
            logger.error("unhandled error", metadata: ["request_id": .string(context.id), "error": .string("\(error)")])
            response = try APIError(.internalServerError, "internal", "internal error").response(from: request, context: context)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // Hummingbird names an unmatched request's endpoint "NotFound"; ours is "unmatched".
        let route = response.status == .notFound && (context.endpointPath ?? "NotFound") == "NotFound" ? "unmatched" : (context.endpointPath ?? "unmatched")
        response.headers[.init("X-Request-Id")!] = context.id
        metrics.request(route: route, status: response.status.code, seconds: seconds)
        var meta: Logger.Metadata = [
            "request_id": .string(context.id),
            "method": .string(request.method.rawValue),
            "route": .string(route),
            "path": .string(request.uri.path),
            "status": .stringConvertible(response.status.code),
            "bytes_in": .string(request.headers[.contentLength] ?? "-"),
            "bytes_out": .string(response.body.contentLength.map(String.init) ?? "-"),
            "ms": .string(String(format: "%.1f", seconds * 1000))
        ]
        if let errorCode { meta["error"] = .string(errorCode) }
        logger.info("request", metadata: meta)
        return response
    }
}
