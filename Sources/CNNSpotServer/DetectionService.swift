import CNNSpot
import Foundation
import Hummingbird
import NIOCore

/// What the API routes do, apart from HTTP: read an upload under the limits, decode, score
/// through the `BatchScheduler`, and build answers. One per server.
public final class DetectionService: @unchecked Sendable {
    public let model: ScoringModel
    public let configuration: ServerConfiguration
    public let scheduler: BatchScheduler
    public let metrics: ServerMetrics
    let budget: UploadBudget
    private let readyLock = NSLock()
    private var warm = false

    public init(model: ScoringModel, configuration: ServerConfiguration, metrics: ServerMetrics = ServerMetrics()) {
        self.model = model
        self.configuration = configuration
        self.metrics = metrics
        budget = UploadBudget(limit: configuration.maxBufferedBytes)
        scheduler = BatchScheduler(
            model: model, capacity: configuration.queueCapacity, maxBatch: configuration.maxBatch,
            maxBatchWait: configuration.maxBatchWait, maxBatchPixels: configuration.maxBatchPixels)
        scheduler.onBatch = { [metrics] size, seconds in metrics.batchRan(size: size, seconds: seconds) }
        scheduler.onDepth = { [metrics] n in metrics.queueDepth(n) }
    }

    /// True once the network has run once (`/readyz`).
    public var isReady: Bool { readyLock.lock(); defer { readyLock.unlock() }; return warm }

    /// Starts the batcher and runs one 256 x 256 batch so the first request finds a plan built.
    public func start() throws {
        scheduler.start()
        try model.warmUp()
        readyLock.lock(); warm = true; readyLock.unlock()
    }

    public func stop() {
        readyLock.lock(); warm = false; readyLock.unlock()
        scheduler.stop()
    }

    var imageLimits: ImageLimits { ImageLimits(maxPixels: configuration.maxPixels, maxFileBytes: configuration.maxBodyBytes) }

    var reader: BodyReader {
        BodyReader(
            maxBytes: configuration.maxBodyBytes, timeout: configuration.uploadTimeout, budget: budget,
            retryAfter: configuration.retryAfterSeconds)
    }

    // MARK: Reading uploads

    /// The images of a request: one raw image body, or the `file` parts of a multipart body.
    /// The Content-Type and Content-Length are checked before any byte of the body is read.
    func uploads(of request: Request, charge: BodyReader.Charge) async throws -> (uploads: [Upload], multipart: Bool) {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes {
            metrics.rejected("body_too_large")
            throw APIError.bodyTooLarge(limit: configuration.maxBodyBytes)
        }
        let type = request.headers[.contentType]
        let media = type?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        do {
            switch media {
            case "image/jpeg", "image/png", "image/webp", "application/octet-stream":
                let bytes = try await reader.collect(request.body, charge: charge)
                return ([Upload(name: "image", bytes: bytes, contentType: media)], false)
            case "multipart/form-data":
                let params = MultipartState.parameters(type ?? "")
                guard let boundary = params["boundary"], !boundary.isEmpty, boundary.utf8.count <= 70 else {
                    throw APIError.badRequest("bad_multipart", "multipart/form-data needs a boundary parameter of 1 to 70 characters")
                }
                let uploads = try await reader.multipart(
                    request.body, boundary: boundary, maxFiles: configuration.maxFiles,
                    maxParts: configuration.maxParts, charge: charge)
                return (uploads, true)
            default:
                throw APIError.unsupportedMediaType(type)
            }
        } catch let e as APIError {
            metrics.rejected(e.code)
            throw e
        }
    }

    // MARK: Detect

    /// Scores every upload of the request. A raw single image that fails is the request's
    /// error status; in a multipart batch each bad image gets its own `error` and the others
    /// are scored. A full queue (503) or a passed deadline (504) fails the whole request.
    func detect(_ request: Request, requestID: String) async throws -> Response {
        let deadline = DispatchTime.now().uptimeNanoseconds &+ UInt64(configuration.requestTimeout.seconds * 1e9)
        let options = try DetectOptions(query: DetectOptions.query(of: request))
        let charge = BodyReader.Charge(budget)
        defer { charge.release() }
        let (uploads, multipart) = try await self.uploads(of: request, charge: charge)

        let rule = options.threshold.map { model.info.rule.overridingThreshold($0) } ?? model.info.rule
        let modelInfo = DetectionAnswer.Model(name: model.info.name, sha256: model.info.sha256, architecture: model.info.architecture)
        let crop = options.crop.map(String.init) ?? "none"

        // Decode off the event loops (CPU work), all images of the request together.
        let limits = imageLimits
        let decoded: [(answer: DetectionAnswer, image: RGBImage?, failure: APIError?)] = await offload { [model] in
            uploads.map { u in
                let t0 = DispatchTime.now().uptimeNanoseconds
                var a = DetectionAnswer(
                    name: u.name, sha256: SHA256.hex(u.bytes), crop: crop, threshold: rule.threshold,
                    uncertainLow: rule.band?.lowerBound, uncertainHigh: rule.band?.upperBound,
                    model: modelInfo, timingMs: .init(decode: 0))
                do {
                    let d = try model.decode(u.bytes, name: u.name, limits: limits)
                    a.width = d.image.width; a.height = d.image.height; a.format = d.format.rawValue
                    let image = try model.preprocess(d.image, crop: options.crop)
                    guard image.width >= ScoringModel.minimumSide, image.height >= ScoringModel.minimumSide else {
                        throw APIError(
                            .unprocessableContent, "image_too_small",
                            "\(u.name): image is \(image.width)x\(image.height); the network needs at least \(ScoringModel.minimumSide)x\(ScoringModel.minimumSide)"
                        )
                    }
                    a.timingMs.decode = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
                    return (a, image, nil)
                } catch {
                    a.timingMs.decode = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
                    return (a, nil, APIError.image(error))
                }
            }
        }
        if !multipart, let failure = decoded[0].failure {
            metrics.rejected(failure.code)
            throw failure
        }

        // Admit all scorable images at once: the request is either queued whole or refused.
        let scorable = decoded.indices.filter { decoded[$0].image != nil }
        do { try scheduler.reserve(scorable.count) } catch {
            metrics.rejected("queue_full")
            throw APIError.queueFull(retryAfter: configuration.retryAfterSeconds)
        }
        let scored = await withTaskGroup(of: (Int, Result<BatchScheduler.Scored, Error>).self) { group in
            for i in scorable {
                let image = decoded[i].image!
                group.addTask { [scheduler] in
                    do { return (i, .success(try await scheduler.score(image, deadline: deadline))) } catch { return (i, .failure(error)) }
                }
            }
            var out: [Int: Result<BatchScheduler.Scored, Error>] = [:]
            for await (i, r) in group { out[i] = r }
            return out
        }
        var answers: [DetectionAnswer] = []
        for (i, d) in decoded.enumerated() {
            var a = d.answer
            if let f = d.failure {
                a.error = .init(status: f.status.code, code: f.code, message: f.message)
            } else if let r = scored[i] {
                switch r {
                case .success(let s):
                    let z = Double(s.logit)
                    let p = 1 / (1 + exp(-z))
                    a.logit = z
                    a.probability = p
                    a.verdict = rule.verdict(p)
                    a.timingMs.queue = s.queueMilliseconds
                    a.timingMs.infer = s.inferMilliseconds
                    a.batchSize = s.batchSize
                    metrics.scored(a.verdict!.rawValue)
                case .failure(BatchScheduler.Failure.timeout):
                    metrics.rejected("timeout")
                    throw APIError.timeout(seconds: configuration.requestTimeout.seconds)
                case .failure(BatchScheduler.Failure.stopped):
                    throw APIError(
                        .serviceUnavailable, "shutting_down", "the server is shutting down",
                        headers: [.retryAfter: String(configuration.retryAfterSeconds)])
                case .failure(let error):
                    let f = APIError.image(error)
                    if !multipart { throw f }
                    a.error = .init(status: f.status.code, code: f.code, message: f.message)
                }
            }
            answers.append(a)
        }
        return try json(DetectionResponse(requestId: requestID, results: answers))
    }

    // MARK: Spectrum

    /// The residual spectrum figure of one uploaded image (raw body or the first `file` part),
    /// as PNG.
    func spectrum(_ request: Request) async throws -> Response {
        let query = DetectOptions.query(of: request)
        if let key = query.keys.first {
            throw APIError.badRequest("unknown_parameter", "unknown query parameter '\(key)' (the spectrum takes none)")
        }
        let charge = BodyReader.Charge(budget)
        defer { charge.release() }
        let upload = try await uploads(of: request, charge: charge).uploads[0]
        let limits = imageLimits
        do { try scheduler.reserve(1) } catch {
            metrics.rejected("queue_full")
            throw APIError.queueFull(retryAfter: configuration.retryAfterSeconds)
        }
        defer { scheduler.release(1) }
        let png: Result<[UInt8], APIError> = await offload { [model] in
            do {
                let image = try model.decode(upload.bytes, name: upload.name, limits: limits).image
                let figure = try SpectrumReport.single(image, name: upload.name).figure
                return .success(try ImageEncoder.png(figure))
            } catch let e as SpectrumReport.ReportError {
                return .failure(APIError(.unprocessableContent, "spectrum_failed", "\(upload.name): \(e)"))
            } catch {
                return .failure(APIError.image(error))
            }
        }
        switch png {
        case .success(let bytes):
            return Response(
                status: .ok, headers: [.contentType: "image/png", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .failure(let e):
            metrics.rejected(e.code)
            throw e
        }
    }

    // MARK: Models

    struct ModelsResponse: Encodable {
        struct Entry: Encodable {
            var name: String, sha256: String, architecture: String, format: String
            var threshold: Double
            var uncertainLow: Double?, uncertainHigh: Double?
            var card: [String: String]
            var metadata: [String: String]
            enum CodingKeys: String, CodingKey {
                case name, sha256, architecture, format, threshold, card, metadata
                case uncertainLow = "uncertain_low", uncertainHigh = "uncertain_high"
            }
            // No band is written as null, as in `/v1/detect` answers.
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(name, forKey: .name); try c.encode(sha256, forKey: .sha256)
                try c.encode(architecture, forKey: .architecture); try c.encode(format, forKey: .format)
                try c.encode(threshold, forKey: .threshold)
                try c.encode(uncertainLow, forKey: .uncertainLow); try c.encode(uncertainHigh, forKey: .uncertainHigh)
                try c.encode(card, forKey: .card); try c.encode(metadata, forKey: .metadata)
            }
        }
        var models: [Entry]
        var limits: [String: Double]
        var batching: [String: Double]
    }

    /// The model card keys shown as a summary (when the model's metadata has them).
    static let cardKeys = [
        "description", "trained_on", "training_data", "license", "intended_use", "limitations",
        "calibration", "card", "model_card", "version", "created"
    ]

    func models() throws -> Response {
        let i = model.info
        var card = i.metadata.filter { Self.cardKeys.contains($0.key) }
        card["input"] = "RGB, full image or center crop 224, ImageNet normalisation"
        card["output"] = "one logit; probability = sigmoid(logit) that the image is CNN-generated"
        let c = configuration
        let entry = ModelsResponse.Entry(
            name: i.name, sha256: i.sha256, architecture: i.architecture, format: i.format,
            threshold: i.rule.threshold, uncertainLow: i.rule.band?.lowerBound,
            uncertainHigh: i.rule.band?.upperBound, card: card,
            metadata: i.metadata.filter { $0.key != CNNSpotMetadata.manifest })
        return try json(
            ModelsResponse(
                models: [entry],
                limits: [
                    "max_body_bytes": Double(c.maxBodyBytes), "max_pixels": Double(c.maxPixels), "max_files": Double(c.maxFiles),
                    "max_parts": Double(c.maxParts), "request_timeout_s": c.requestTimeout.seconds,
                    "upload_timeout_s": c.uploadTimeout.seconds, "queue_capacity": Double(c.queueCapacity)
                ],
                batching: [
                    "max_batch": Double(c.maxBatch), "max_wait_ms": c.maxBatchWait.seconds * 1000,
                    "max_batch_pixels": Double(c.maxBatchPixels)
                ]))
    }

    func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try JSONEncoder.api.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Runs CPU work on a global dispatch queue and resumes with its result, so the event loops
/// and the cooperative pool stay free for I/O.
func offload<T>(_ work: @escaping () -> T) async -> T {
    await withCheckedContinuation { c in
        DispatchQueue.global(qos: .userInitiated).async { c.resume(returning: work()) }
    }
}
