import Foundation

/// The robustness sweep: the reference's evaluation repeated after each test-time perturbation
/// (Wang et al. 2020, Sec. 4.3 / Fig. 5), per set and level.
public enum RobustnessEvaluation {
    /// At most `max` images of `set`: the first `ceil(max / 2)` reals and the rest fakes by the
    /// set's order (class, label, path), filling from the other label when one runs short.
    public static func subset(_ set: ImageSet, max: Int?) -> ImageSet {
        guard let max, set.images.count > max else { return set }
        let reals = set.images.filter { $0.label == 0 }, fakes = set.images.filter { $0.label == 1 }
        var nReal = min(reals.count, (max + 1) / 2)
        let nFake = min(fakes.count, max - nReal)
        nReal = min(reals.count, max - nFake)
        var out = set
        out.images = Array(reals.prefix(nReal)) + Array(fakes.prefix(nFake))
        return out
    }

    /// Scores every set at every level of `settings` with `model`. Each set's files are decoded
    /// once (kept in memory within `settings.cacheBytes`) and perturbed per level; failed
    /// images are kept with their error and counted, not scored. `progress` gets the number
    /// of images done since its last call.
    public static func run(
        model: LogitModel, sets: [ImageSet], settings: RobustnessSettings,
        decodeOptions: DecodeOptions = .default,
        progress: ((Int) -> Void)? = nil
    ) throws -> RobustnessResult {
        try settings.validate()
        let chosen = sets.map { subset($0, max: settings.maxPerSet) }
        let (perSet, warnings) = scoreSets(
            model: model, sets: chosen, settings: settings, decodeOptions: decodeOptions,
            progress: progress)
        return assemble(sets: chosen, settings: settings, perSet: perSet, warnings: warnings)
    }

    /// Every image of `sets` at every level: `perSet[s][l]` holds set s at level l. The
    /// warnings say where the decoded images did not fit in the cache.
    public static func scoreSets(
        model: LogitModel, sets: [ImageSet], settings: RobustnessSettings,
        decodeOptions: DecodeOptions = .default,
        progress: ((Int) -> Void)? = nil
    ) -> (perSet: [[[Evaluation.ScoredImage]]], warnings: [String]) {
        var warnings: [String] = []
        var perSet: [[[Evaluation.ScoredImage]]] = []
        for set in sets {
            let cache = RobustnessImageCache(limitBytes: settings.cacheBytes, options: decodeOptions)
            var byLevel: [[Evaluation.ScoredImage]] = []
            for (perturbation, level) in settings.levels {
                byLevel.append(
                    score(
                        model: model, set: set, cache: cache, settings: settings,
                        perturbation: perturbation, level: level, progress: progress))
            }
            if cache.decodeCount > set.images.count {
                warnings.append(
                    "\(set.name): decoded images did not fit in the cache (\(settings.cacheBytes) bytes); "
                        + "\(cache.decodeCount) file reads for \(set.images.count) images")
            }
            perSet.append(byLevel)
        }
        return (perSet, warnings)
    }

    /// The sweep's rows (per set and level, then each level's mean) and scores from
    /// `perSet[s][l]` (set s at level l), as `run` reports them.
    public static func assemble(
        sets: [ImageSet], settings: RobustnessSettings, perSet: [[[Evaluation.ScoredImage]]],
        warnings: [String]
    ) -> RobustnessResult {
        var warnings = warnings
        var rows: [RobustnessRow] = []
        var scores: [(perturbation: Perturbation, level: Double, images: [Evaluation.ScoredImage])] = []
        for (l, (perturbation, level)) in settings.levels.enumerated() {
            var levelRows: [RobustnessRow] = []
            var all: [Evaluation.ScoredImage] = []
            for (s, set) in sets.enumerated() {
                let scored = perSet[s][l]
                all += scored
                let (row, warning) = summarize(
                    scored, set: set.name, perturbation: perturbation, level: level,
                    threshold: settings.threshold)
                if let warning, !warnings.contains(warning) { warnings.append(warning) }
                levelRows.append(row)
            }
            rows += levelRows
            rows.append(mean(levelRows, perturbation: perturbation, level: level))
            scores.append((perturbation, level, all))
        }
        return RobustnessResult(settings: settings, rows: rows, scores: scores, sets: sets, warnings: warnings)
    }

    static func score(
        model: LogitModel, set: ImageSet, cache: RobustnessImageCache, settings: RobustnessSettings,
        perturbation: Perturbation, level: Double, progress: ((Int) -> Void)?
    ) -> [Evaluation.ScoredImage] {
        let preprocessing = settings.preprocessing
        let runner = DetectionRunner(model: model, threshold: settings.threshold) { path in
            let entry = try cache.entry(path)
            let perturbed = try perturbation.apply(entry.image, level: level)
            return .init(image: try preprocessing.apply(perturbed), format: entry.format)
        }
        runner.batchSize = settings.batchSize
        var out: [Evaluation.ScoredImage] = []
        out.reserveCapacity(set.images.count)
        runner.run(set.images.map(\.path)) { r in
            let item = set.images[out.count]
            out.append(
                Evaluation.ScoredImage(
                    path: r.path, label: item.label, setName: set.name, className: item.className,
                    format: r.format, probability: r.probability, logit: r.logit, error: r.error))
            progress?(1)
        }
        return out
    }

    /// One set's row: AP and AUC (scikit-learn semantics), accuracies at `threshold`.
    public static func summarize(
        _ scored: [Evaluation.ScoredImage], set: String, perturbation: Perturbation,
        level: Double, threshold: Double
    ) -> (RobustnessRow, String?) {
        let ok = scored.filter { $0.probability != nil }
        var row = RobustnessRow(
            perturbation: perturbation, level: level, set: set, count: ok.count,
            failed: scored.count - ok.count)
        guard let data = try? LabeledScores(scores: ok.map { $0.probability! }, labels: ok.map(\.label)) else {
            return (row, "\(set): no image could be scored at \(perturbation.rawValue) \(perturbation.format(level))")
        }
        let counts = Metrics.counts(data, threshold: threshold)
        row.accuracy = counts.accuracy
        row.realAccuracy = counts.realAccuracy
        row.fakeAccuracy = counts.fakeAccuracy
        row.averagePrecision = try? Metrics.averagePrecision(data)
        row.auc = try? Metrics.rocAUC(data)
        let warning = data.hasBothClasses ? nil : "\(set): only one class scored, AP/AUC undefined where missing"
        return (row, warning)
    }

    /// The `mean` row: each metric averaged over the sets that have it; counts summed.
    public static func mean(_ rows: [RobustnessRow], perturbation: Perturbation, level: Double) -> RobustnessRow {
        func avg(_ k: KeyPath<RobustnessRow, Double?>) -> Double? {
            let v = rows.compactMap { $0[keyPath: k] }
            return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
        }
        return RobustnessRow(
            perturbation: perturbation, level: level, set: "mean",
            averagePrecision: avg(\.averagePrecision), accuracy: avg(\.accuracy),
            realAccuracy: avg(\.realAccuracy), fakeAccuracy: avg(\.fakeAccuracy), auc: avg(\.auc),
            count: rows.reduce(0) { $0 + $1.count }, failed: rows.reduce(0) { $0 + $1.failed })
    }
}
