import CNNSpot
import Foundation

/// One image's answer in `/v1/detect`: `{"results": [DetectionAnswer, ...]}`.
/// Fields are nil (JSON null) when they could not be computed; then `error` says why.
struct DetectionAnswer: Encodable, Sendable {
    struct Model: Encodable, Sendable { var name: String; var sha256: String; var architecture: String }
    struct Timing: Encodable, Sendable { var decode: Double; var queue: Double?; var infer: Double? }
    struct Failure: Encodable, Sendable { var status: Int; var code: String; var message: String }

    var name: String
    var sha256: String
    var width: Int?
    var height: Int?
    var format: String?
    /// `none` or the center-crop side.
    var crop: String
    var logit: Double?
    var probability: Double?
    var threshold: Double
    var uncertainLow: Double?
    var uncertainHigh: Double?
    var verdict: Verdict?
    var model: Model
    var timingMs: Timing
    /// Images in the network batch this one ran in (dynamic batching at work).
    var batchSize: Int?
    var error: Failure?

    enum CodingKeys: String, CodingKey {
        case name, sha256, width, height, format, crop, logit, probability, threshold
        case uncertainLow = "uncertain_low", uncertainHigh = "uncertain_high"
        case verdict, model, timingMs = "timing_ms", batchSize = "batch_size", error
    }

    // Nil fields are written as null (not left out), so every answer has every key.
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(format, forKey: .format)
        try c.encode(crop, forKey: .crop)
        try c.encode(logit, forKey: .logit)
        try c.encode(probability, forKey: .probability)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(uncertainLow, forKey: .uncertainLow)
        try c.encode(uncertainHigh, forKey: .uncertainHigh)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(model, forKey: .model)
        try c.encode(timingMs, forKey: .timingMs)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(error, forKey: .error)
    }
}

struct DetectionResponse: Encodable, Sendable {
    var requestId: String
    var results: [DetectionAnswer]
    enum CodingKeys: String, CodingKey { case requestId = "request_id", results }
}
