import Foundation

/// Scores many images with one model: decodes on worker threads while the model runs,
/// groups images of the same size into batches (never padded, never resized, never forced
/// to batch size 1), and emits one record per input in input order. A file that fails to
/// decode or is too small gets an error record; the others are scored regardless.
public final class DetectionRunner {
    /// Decoded image plus what to report about it.
    public struct Loaded {
        public var image: RGBImage
        public var format: String
        public init(image: RGBImage, format: String) { self.image = image; self.format = format }
    }

    public let model: LogitModel
    public let threshold: Double
    public let normalization: TensorNormalization
    public var batchSize = 16
    /// Pixels one batch may hold (default: 16 images of 256x256). Large images get smaller
    /// batches so activations stay bounded: a 1024x1024 image runs alone (~300 MB), instead of
    /// a batch of 16 asking the network for ~5 GB.
    public var maxBatchPixels = 16 * 256 * 256
    public var decodeThreads = 2
    /// The network downsamples 32x; smaller inputs are refused with a clear error.
    public static let minimumSide = 32

    /// Reads one input and applies the test-time preprocessing (e.g. a center crop); runs on
    /// worker threads, so it must be thread-safe. The image it returns is what gets scored.
    private let load: (String) throws -> Loaded

    /// `normalization` nil: the model's own (`LogitModel.inputNormalization`), else ImageNet's.
    public init(model: LogitModel, threshold: Double, normalization: TensorNormalization? = nil,
                load: @escaping (String) throws -> Loaded) {
        self.model = model
        self.threshold = threshold
        self.normalization = normalization ?? model.inputNormalization ?? .imageNet
        self.load = load
    }

    /// Scores `paths`, calling `emit` with each record in input order as soon as its chunk
    /// is done. `errors` in `inputErrors` (e.g. a path that does not exist) are emitted in place.
    public func run(_ paths: [String], emit: (DetectionRecord) -> Void) {
        let chunk = max(batchSize * 2, 32)
        let chunks = (paths.count + chunk - 1) / chunk
        let prefetch = OrderedPrefetcher<[Result<Loaded, Error>]>(
            count: chunks, workers: 1, depth: 2
        ) { [load, decodeThreads] c in
            let slice = Array(paths[(c * chunk)..<min(paths.count, (c + 1) * chunk)])
            var out = [Result<Loaded, Error>?](repeating: nil, count: slice.count)
            let lock = NSLock()
            DispatchQueue.concurrentPerform(iterations: min(decodeThreads, slice.count)) { w in
                var i = w
                while i < slice.count {
                    let r = Result { try load(slice[i]) }
                    lock.lock(); out[i] = r; lock.unlock()
                    i += decodeThreads
                }
            }
            return out.map { $0! }
        }
        var c = 0
        while let loaded = prefetch.next() {
            let base = c * chunk
            let records = score(paths: Array(paths[base..<base + loaded.count]), loaded: loaded)
            records.forEach(emit)
            c += 1
        }
    }

    /// Scores one chunk: groups by preprocessed size, runs batches, keeps input order.
    func score(paths: [String], loaded: [Result<Loaded, Error>]) -> [DetectionRecord] {
        var records = [DetectionRecord](repeating: DetectionRecord(path: ""), count: paths.count)
        var groups: [String: [Int]] = [:]
        var groupOrder: [String] = []
        for (i, r) in loaded.enumerated() {
            switch r {
            case .failure(let error):
                records[i] = .failed(paths[i], Self.describe(error))
            case .success(let l):
                records[i] = DetectionRecord(path: paths[i], width: l.image.width, height: l.image.height, format: l.format)
                if l.image.width < Self.minimumSide || l.image.height < Self.minimumSide {
                    records[i].error = "image is \(l.image.width)x\(l.image.height); the network needs at least \(Self.minimumSide)x\(Self.minimumSide)"
                    continue
                }
                let key = "\(l.image.width)x\(l.image.height)"
                if groups[key] == nil { groupOrder.append(key) }
                groups[key, default: []].append(i)
            }
        }
        for key in groupOrder {
            let members = groups[key]!
            guard case .success(let sample) = loaded[members[0]] else { continue }
            let perBatch = max(1, min(batchSize, maxBatchPixels / max(1, sample.image.width * sample.image.height)))
            for start in stride(from: 0, to: members.count, by: perBatch) {
                let batch = Array(members[start..<min(members.count, start + perBatch)])
                guard case .success(let first) = loaded[batch[0]] else { continue }
                let (w, h) = (first.image.width, first.image.height)
                var data = [Float](repeating: 0, count: 3 * w * h * batch.count)
                do {
                    for (n, i) in batch.enumerated() {
                        if case .success(let l) = loaded[i] { try normalization.write(l.image, into: &data, index: n) }
                    }
                    let logits = try model.logits(HostTensor(shape: [batch.count, 3, h, w], data: data))
                    // One logit per image, never logits[n] of a wider head read as image n's.
                    guard logits.count == batch.count else {
                        throw ModelLoadError(file: "model", problems: ["\(logits.count) outputs for \(batch.count) images: a detector gives exactly one logit per image"])
                    }
                    for (n, i) in batch.enumerated() {
                        let z = Double(logits[n])
                        let p = sigmoid(z)
                        records[i].logit = z
                        records[i].probability = p
                        records[i].label = p > threshold ? "fake" : "real"
                    }
                } catch {
                    for i in batch { records[i].error = "model failed on a \(w)x\(h) batch: \(Self.describe(error))" }
                }
            }
        }
        return records
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? LocalizedError, let text = e.errorDescription { return text }
        return String(describing: error)
    }
}
