import Foundation
import Hummingbird

/// The query parameters of `/v1/detect`: `crop=none|224` and `threshold` (a probability in
/// (0, 1) that replaces the model's rule by a plain two-way threshold). Anything else is a
/// 400, so a misspelt option is not silently ignored.
struct DetectOptions: Sendable {
    var crop: Int?
    var threshold: Double?

    static let known: Set<String> = ["crop", "threshold"]

    init(query: [String: String]) throws {
        for key in query.keys where !Self.known.contains(key) {
            throw APIError.badRequest("unknown_parameter", "unknown query parameter '\(key)' (known: crop, threshold)")
        }
        switch query["crop"] {
        case nil, "none": crop = nil
        case "224": crop = 224
        case let other?: throw APIError.badRequest("bad_crop", "crop must be 'none' or '224', not '\(other)'")
        }
        if let t = query["threshold"] {
            guard let v = Double(t), v > 0, v < 1 else {
                throw APIError.badRequest("bad_threshold", "threshold must be a number in (0, 1), not '\(t)'")
            }
            threshold = v
        }
    }

    /// The request's query as a plain dictionary (last value wins).
    static func query(of request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { out[String(k)] = String(v) }
        return out
    }
}
