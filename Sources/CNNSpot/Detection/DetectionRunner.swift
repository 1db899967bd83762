import Foundation

/// Scores many images with one model: decodes on worker threads while the model runs,
/// groups images of the same size into batches (never padded, never resized, never forced
/// to batch size 1), and emits one record per input in input order, each as soon as it can. A file that fails to
/// decode or is too small gets an error record; the others are scored regardless.
public final class DetectionRunner {
    /// Decoded image plus what to report about it.
    public struct Loaded {
        /// What gets scored (after preprocessing, e.g. a 224x224 crop).
        public var image: RGBImage
        public var format: String
        /// The file's own size, reported in the record (the scored image may be a crop of it).
        public var fileWidth: Int
        public var fileHeight: Int
        public init(image: RGBImage, format: String, fileWidth: Int? = nil, fileHeight: Int? = nil) {
            self.image = image; self.format = format
            self.fileWidth = fileWidth ?? image.width; self.fileHeight = fileHeight ?? image.height
        }
    }

    public let model: LogitModel
    /// The verdict rule; `label` is `fake` when the probability is above `rule.threshold`.
    public let rule: Verdict.Rule
    public var threshold: Double { rule.threshold }
    public let normalization: TensorNormalization
    public var batchSize = 16
    /// Pixels one batch may hold (default: 16 images of 256x256). Large images get smaller
    /// batches so activations stay bounded: a 1024x1024 image runs alone (~300 MB), instead of
    /// a batch of 16 asking the network for ~5 GB.
    public var maxBatchPixels = 16 * 256 * 256
    public var decodeThreads = 2
    /// Decoded pixels held at most between decoding and scoring (default 64 Mi pixels, about
    /// 192 MiB of RGB); an image larger than this is held alone. See `run`.
    public var maxPixelsInFlight = 64 << 20
    /// Images at most waiting for same-sized partners before the oldest group is scored anyway.
    public var windowImages: Int { max(batchSize * 2, 32) }
    /// The network downsamples 32x; smaller inputs are refused with a clear error.
    public static let minimumSide = 32

    /// Reads one input and applies the test-time preprocessing (e.g. a center crop); runs on
    /// worker threads, so it must be thread-safe. The image it returns is what gets scored.
    private let load: (String) throws -> Loaded

    /// `normalization` nil: the model's own (`LogitModel.inputNormalization`), else ImageNet's.
    public convenience init(
        model: LogitModel, threshold: Double, normalization: TensorNormalization? = nil,
        load: @escaping (String) throws -> Loaded
    ) {
        self.init(model: model, rule: Verdict.Rule(threshold: threshold), normalization: normalization, load: load)
    }

    /// `rule` gives each record's `verdict` (real, fake, or uncertain inside its band).
    public init(
        model: LogitModel, rule: Verdict.Rule, normalization: TensorNormalization? = nil,
        load: @escaping (String) throws -> Loaded
    ) {
        self.model = model
        self.rule = rule
        self.normalization = normalization ?? model.inputNormalization ?? .imageNet
        self.load = load
    }

    /// Scores `paths`, calling `emit` with each record in input order as soon as it and every
    /// record before it are done (so a later crash or abort loses nothing already scored).
    ///
    /// Memory: decoded (preprocessed) pixels held between decoding and scoring are bounded by
    /// `maxPixelsInFlight` (an image larger than that is held alone), plus one image per decode
    /// thread; see `BudgetedLoader`. Images wait in a window of at most `windowImages` for
    /// same-sized partners; the oldest image's size group is scored first, so output advances.
    public func run(_ paths: [String], emit: (DetectionRecord) -> Void) {
        let windowCap = windowImages
        let loader = BudgetedLoader<Result<Loaded, Error>>(
            count: paths.count, workers: max(1, decodeThreads), budget: maxPixelsInFlight,
            maxAhead: windowCap + decodeThreads
        ) { [load] i in
            let r = Result { try load(paths[i]) }
            if case .success(let l) = r { return (r, l.image.width * l.image.height) }
            return (r, 0)
        }
        var done: [Int: DetectionRecord] = [:]
        var nextEmit = 0
        var window = Window()

        func flush() {
            while let r = done.removeValue(forKey: nextEmit) {
                emit(r)
                nextEmit += 1
            }
        }
        /// Scores one batch of the group holding the oldest waiting image.
        func scoreOldest() {
            guard let members = window.oldestGroupBatch(perBatch: perBatch) else { return }
            let batch = members.map { window.remove($0) }
            for (record, cost) in score(batch) {
                done[record.index] = record.record
                loader.release(cost)
            }
        }
        loop: while true {
            switch loader.next() {
            case .end: break loop
            case .stalled:
                scoreOldest()
            case .item(let i, let result, let cost):
                switch result {
                case .failure(let error):
                    done[i] = .failed(paths[i], Self.describe(error))
                case .success(let l):
                    var record = DetectionRecord(path: paths[i], width: l.fileWidth, height: l.fileHeight, format: l.format)
                    if l.image.width < Self.minimumSide || l.image.height < Self.minimumSide {
                        record.error =
                            "\(paths[i]): image is \(l.image.width)x\(l.image.height); the network needs at least \(Self.minimumSide)x\(Self.minimumSide)"
                        done[i] = record
                        loader.release(cost)
                    } else {
                        window.add(Pending(index: i, loaded: l, record: record, cost: cost))
                        // A group that has a full batch goes at once; a full window scores the oldest.
                        if let full = window.fullBatch(perBatch: perBatch) {
                            for (r, c) in score(full.map { window.remove($0) }) { done[r.index] = r.record; loader.release(c) }
                        }
                        if window.count >= windowCap { scoreOldest() }
                    }
                }
            }
            flush()
        }
        while window.count > 0 { scoreOldest() }
        flush()
    }

    /// Images per batch for images of `pixels` pixels.
    private func perBatch(_ pixels: Int) -> Int { max(1, min(batchSize, maxBatchPixels / max(1, pixels))) }

    /// One scored image: its record and the budget it held.
    struct Scored { var index: Int; var record: DetectionRecord }

    /// Scores same-sized images as one batch (input order kept); a batch the network refuses for
    /// memory is retried one image at a time, and a single image it refuses gets an error naming
    /// the activation budget and the flags that change it.
    func score(_ batch: [Pending]) -> [(Scored, Int)] {
        guard let first = batch.first else { return [] }
        let (w, h) = (first.loaded.image.width, first.loaded.image.height)
        var records = batch.map { $0.record }
        do {
            var data = [Float](repeating: 0, count: 3 * w * h * batch.count)
            for (n, p) in batch.enumerated() { try normalization.write(p.loaded.image, into: &data, index: n) }
            let logits = try model.logits(HostTensor(shape: [batch.count, 3, h, w], data: data))
            // One logit per image, never logits[n] of a wider head read as image n's.
            guard logits.count == batch.count else {
                throw ModelLoadError(
                    file: "model", problems: ["\(logits.count) outputs for \(batch.count) images: a detector gives exactly one logit per image"])
            }
            for n in batch.indices {
                let z = Double(logits[n])
                let p = sigmoid(z)
                records[n].logit = z
                records[n].probability = p
                records[n].label = p > rule.threshold ? "fake" : "real"
                records[n].verdict = rule.verdict(p).rawValue
            }
        } catch InferenceError.exceedsMemoryLimit(_, let bytes, let limit) {
            if batch.count > 1 { return batch.flatMap { score([$0]) } }
            records[0].error = Self.activationAdvice(width: w, height: h, bytes: bytes, limit: limit)
        } catch {
            for n in records.indices { records[n].error = "model failed on a \(w)x\(h) batch: \(Self.describe(error))" }
        }
        return zip(batch, records).map { (Scored(index: $0.index, record: $1), $0.cost) }
    }

    /// The message for an image whose full-image activations exceed the network's budget.
    static func activationAdvice(width: Int, height: Int, bytes: Int, limit: Int) -> String {
        let neededMiB = (bytes + (1 << 20) - 1) >> 20
        return "\(width)x\(height) needs \(neededMiB) MiB of activations for full-image scoring, over the "
            + "\(limit >> 20) MiB activation budget: raise it with --max-activation-mib \(neededMiB) (if the "
            + "machine has the memory) or score a center crop with --crop 224"
    }

    /// An image waiting to be scored.
    struct Pending {
        var index: Int
        var loaded: Loaded
        var record: DetectionRecord
        var cost: Int
    }

    /// Images waiting for same-sized partners, grouped by size in arrival order.
    struct Window {
        private var groups: [String: [Int]] = [:]
        private var items: [Int: Pending] = [:]
        var count: Int { items.count }

        private static func key(_ p: Pending) -> String { "\(p.loaded.image.width)x\(p.loaded.image.height)" }

        mutating func add(_ p: Pending) {
            items[p.index] = p
            groups[Self.key(p), default: []].append(p.index)
        }

        mutating func remove(_ index: Int) -> Pending {
            let p = items.removeValue(forKey: index)!
            let k = Self.key(p)
            groups[k]!.removeAll { $0 == index }
            if groups[k]!.isEmpty { groups[k] = nil }
            return p
        }

        /// Members of a group that fills a whole batch, if any.
        func fullBatch(perBatch: (Int) -> Int) -> [Int]? {
            for (_, members) in groups {
                let p = items[members[0]]!
                let n = perBatch(p.loaded.image.width * p.loaded.image.height)
                if members.count >= n { return Array(members.prefix(n)) }
            }
            return nil
        }

        /// The first batch of the group holding the lowest index.
        func oldestGroupBatch(perBatch: (Int) -> Int) -> [Int]? {
            guard let oldest = items.keys.min(), let p = items[oldest], let members = groups[Self.key(p)] else { return nil }
            return Array(members.prefix(perBatch(p.loaded.image.width * p.loaded.image.height)))
        }
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? LocalizedError, let text = e.errorDescription { return text }
        return String(describing: error)
    }
}
