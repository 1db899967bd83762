import Foundation

/// The reference's test-time evaluation (CNNDetection `eval.py` / `validate`) over
/// ForenSynths sets, with the metrics its users asked for besides AP and accuracy.
public enum Evaluation {
    /// One scored (or failed) image of a set.
    public struct ScoredImage: Sendable {
        public var path: String
        public var label: Int
        public var setName: String
        public var className: String?
        public var format: String?
        public var probability: Double?
        public var logit: Double?
        public var error: String?
    }

    /// Metrics of one image format within a set (the format-bias check).
    public struct FormatSlice: Sendable, Codable {
        public var format: String
        public var realCount: Int
        public var fakeCount: Int
        public var averagePrecision: Double?
        public var accuracy: Double?
    }

    /// One set under one preprocessing.
    public struct SetResult: Sendable, Codable {
        public var set: String
        public var preprocessing: String
        public var crop: Int?
        public var metrics: BinaryEvaluation?
        public var failed: Int
        public var formats: [FormatSlice]
        public var warnings: [String]
    }

    /// Scores every image of `sets`: decode -> test-time preprocessing -> network. Failed images
    /// are kept with their error and left out of the metrics (and counted).
    public static func score(
        detector: Detector, sets: [ImageSet], preprocessing: TestTimePreprocessing,
        threshold: Double, batchSize: Int = 16, decodeOptions: DecodeOptions = .default,
        progress: ((Int) -> Void)? = nil
    ) -> [[ScoredImage]] {
        let runner = DetectionRunner(model: detector.network, threshold: threshold) { path in
            let decoded = try ImageDecoder.decode(path: path, options: decodeOptions)
            return .init(image: try preprocessing.apply(decoded.image), format: decoded.format.rawValue)
        }
        runner.batchSize = batchSize
        return sets.map { set in
            var out: [ScoredImage] = []
            out.reserveCapacity(set.images.count)
            runner.run(set.images.map(\.path)) { r in
                let item = set.images[out.count]
                out.append(
                    ScoredImage(
                        path: r.path, label: item.label, setName: set.name, className: item.className,
                        format: r.format, probability: r.probability, logit: r.logit, error: r.error))
                progress?(1)
            }
            return out
        }
    }

    /// Metrics of one set's scores at `threshold`, with the format breakdown.
    public static func summarize(
        _ scored: [ScoredImage], set: String, preprocessing: TestTimePreprocessing,
        threshold: Double
    ) -> SetResult {
        let ok = scored.filter { $0.probability != nil }
        var warnings: [String] = []
        var metrics: BinaryEvaluation?
        do {
            metrics = BinaryEvaluation(
                try LabeledScores(scores: ok.map { $0.probability! }, labels: ok.map(\.label)),
                threshold: threshold)
        } catch {
            warnings.append("\(set): no metrics: \(error)")
        }
        let failed = scored.count - ok.count
        if failed > 0 { warnings.append("\(set): \(failed) image(s) could not be scored and are left out") }
        let formats = Set(ok.compactMap(\.format)).sorted()
        let slices = formats.map { f -> FormatSlice in
            let sub = ok.filter { $0.format == f }
            let data = try? LabeledScores(scores: sub.map { $0.probability! }, labels: sub.map(\.label))
            return FormatSlice(
                format: f, realCount: sub.filter { $0.label == 0 }.count,
                fakeCount: sub.filter { $0.label == 1 }.count,
                averagePrecision: data.flatMap { try? Metrics.averagePrecision($0) },
                accuracy: data.map { Metrics.counts($0, threshold: threshold).accuracy })
        }
        if let bias = formatBiasWarning(slices, set: set) { warnings.append(bias) }
        return SetResult(
            set: set, preprocessing: preprocessing.description, crop: preprocessing.crop,
            metrics: metrics, failed: failed, formats: slices, warnings: warnings)
    }

    /// Warns when reals and fakes come mostly in different file formats (e.g. JPEG reals vs PNG
    /// fakes): a detector can then score the format instead of the generator.
    static func formatBiasWarning(_ slices: [FormatSlice], set: String) -> String? {
        let reals = slices.reduce(0) { $0 + $1.realCount }, fakes = slices.reduce(0) { $0 + $1.fakeCount }
        guard reals > 0, fakes > 0, slices.count > 1 else { return nil }
        func share(_ s: FormatSlice, real: Bool) -> Double { Double(real ? s.realCount : s.fakeCount) / Double(real ? reals : fakes) }
        let gap = slices.map { abs(share($0, real: true) - share($0, real: false)) }.max() ?? 0
        guard gap > 0.2 else { return nil }
        let describe = { (real: Bool) in
            slices.filter { (real ? $0.realCount : $0.fakeCount) > 0 }
                .map { String(format: "%@ %.0f%%", $0.format, 100 * share($0, real: real)) }.joined(separator: ", ")
        }
        return
            "\(set): FORMAT BIAS: reals are \(describe(true)); fakes are \(describe(false)). Scores may reflect the file format, not the generator; compare the per-format rows."
    }

    /// The mean of each metric over sets (sets without it are skipped), as the reference's
    /// table reports a mean row.
    public static func mean(_ results: [SetResult]) -> [String: Double] {
        var sums: [String: (Double, Int)] = [:]
        func add(_ k: String, _ v: Double?) { if let v { sums[k, default: (0, 0)].0 += v; sums[k, default: (0, 0)].1 += 1 } }
        for r in results {
            guard let m = r.metrics else { continue }
            add("accuracy", m.atThreshold.accuracy)
            add("avg precision", m.averagePrecision)
            add("real accuracy", m.atThreshold.realAccuracy)
            add("fake accuracy", m.atThreshold.fakeAccuracy)
            add("auc", m.rocAUC)
            add("eer", m.equalErrorRate?.rate)
            add("tpr@fpr1%", m.atFPR1Percent?.truePositiveRate)
            add("tpr@fpr5%", m.atFPR5Percent?.truePositiveRate)
            add("best accuracy", m.bestAccuracy?.accuracy)
        }
        return sums.mapValues { $0.0 / Double($0.1) }
    }
}
