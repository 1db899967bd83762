import Foundation
import Hummingbird

/// Requires `Authorization: Bearer <token>` (the `--token-file` contents) on the routes it
/// guards; answers 401 with `WWW-Authenticate` otherwise. The comparison takes the same time
/// wherever the first differing byte is.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]
    let metrics: ServerMetrics

    init(token: String, metrics: ServerMetrics) {
        self.token = Array(token.utf8)
        self.metrics = metrics
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
            Self.constantTimeEqual(Array(header.utf8.dropFirst(7)), token)
        else {
            metrics.rejected("unauthorized")
            throw APIError(
                .unauthorized, "unauthorized", "this route needs 'Authorization: Bearer <token>' (the server's --token-file)",
                headers: [.wwwAuthenticate: "Bearer realm=\"cnnspot\""])
        }
        return try await next(request, context)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return diff == 0
    }
}
