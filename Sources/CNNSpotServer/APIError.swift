import CNNSpot
import Foundation
import Hummingbird

/// An error answered as JSON: `{"error": {"status": 413, "code": "body_too_large",
/// "message": "..."}}`, with the HTTP status and any extra headers (`Retry-After`,
/// `WWW-Authenticate`). `code` is stable for programs; `message` is for people.
public struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    struct Body: Encodable {
        struct Inner: Encodable { var status: Int; var code: String; var message: String }
        var error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        let data = try JSONEncoder.api.encode(Body(error: .init(status: status.code, code: code, message: message)))
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: The errors the API answers with

    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, "body_too_large", "the request body exceeds the \(limit)-byte limit")
    }
    static func uploadTooSlow(seconds: Double) -> APIError {
        APIError(.requestTimeout, "upload_timeout", "the request body did not arrive within \(format(seconds)) s")
    }
    static func timeout(seconds: Double) -> APIError {
        APIError(.gatewayTimeout, "timeout", "the request was not answered within \(format(seconds)) s (the server is busy; try again)")
    }
    static func queueFull(retryAfter: Int) -> APIError {
        APIError(
            .serviceUnavailable, "queue_full", "the scoring queue is full; retry after \(retryAfter) s",
            headers: [.retryAfter: String(retryAfter)])
    }
    static func memoryFull(retryAfter: Int) -> APIError {
        APIError(
            .serviceUnavailable, "server_busy", "too many uploads are in progress; retry after \(retryAfter) s",
            headers: [.retryAfter: String(retryAfter)])
    }
    static func unsupportedMediaType(_ type: String?) -> APIError {
        APIError(
            .unsupportedMediaType, "unsupported_media_type",
            "Content-Type \(type.map { "'\($0)'" } ?? "missing"): send one image (image/jpeg, image/png, image/webp) or multipart/form-data with 'file' parts")
    }
    static func badRequest(_ code: String, _ message: String) -> APIError {
        APIError(.badRequest, code, message)
    }

    /// The status and code for an image that could not be decoded or scored.
    static func image(_ error: Error) -> APIError {
        if let e = error as? APIError { return e }
        if let e = error as? ImageError {
            switch e.reason {
            case .tooManyPixels: return APIError(.contentTooLarge, "too_many_pixels", e.description)
            case .fileTooLarge: return APIError(.contentTooLarge, "body_too_large", e.description)
            case .unknownFormat, .unsupported: return APIError(.unsupportedMediaType, "unsupported_image", e.description)
            case .empty: return APIError(.unprocessableContent, "empty_image", e.description)
            case .truncated: return APIError(.unprocessableContent, "truncated_image", e.description)
            default: return APIError(.unprocessableContent, "undecodable_image", e.description)
            }
        }
        if let e = error as? InferenceError {
            return APIError(.unprocessableContent, "cannot_score", "\(e)")
        }
        return APIError(.internalServerError, "internal", "\(error)")
    }

    static func format(_ s: Double) -> String { String(format: "%g", s) }
}

extension JSONEncoder {
    /// Sorted keys, so answers are stable and diffable.
    static let api: JSONEncoder = JSONText.encoder()
}
