import Foundation

/// `cnnspot robustness` as one call: find the sets, load the model, sweep every level and write
/// the tables, curves and manifest (or, for one shard of the job, its scores and shard manifest).
public enum RobustnessRun {
    public struct Settings: Sendable {
        /// A ForenSynths test root or one set.
        public var root: String
        /// The levels and scoring; its `threshold` is replaced by the run's (`threshold`).
        public var sweep = RobustnessSettings()
        /// `--threshold`; nil: the model's (`Detector.threshold(given:)`).
        public var threshold: Double?
        /// Score only this part of the job's images (nil: all of them).
        public var shard: Shard?
        public var output: URL
        public var commandLine = CommandLine.arguments

        public init(root: String, output: URL) {
            self.root = root
            self.output = output
        }
    }

    public struct Outcome {
        /// Every set of the job, at most `maxPerSet` images each (a shard scored part of them).
        public var sets: [ImageSet]
        /// The sweep; without a shard, written to `Settings.output`.
        public var result: RobustnessResult
    }

    /// Runs the sweep of `settings`. The model is loaded (`detector`) once the sets are found, so
    /// a bad root fails before the slow load. `log` gets the warnings and what is scored, one
    /// line each; `progress` makes the bar for the number of scorings.
    public static func run(
        _ settings: Settings, detector load: () throws -> Detector, log: (String) -> Void = { _ in },
        progress: (Int) -> ProgressBar = { ProgressBar(total: $0, label: "robustness", enabled: false) }
    )
        throws -> Outcome
    {
        let discovery = try ForenSynthsLayout.discover(settings.root)
        discovery.warnings.forEach(log)
        let detector = try load()
        var sweep = settings.sweep
        sweep.threshold = detector.threshold(given: settings.threshold)
        try sweep.validate()
        let sets = discovery.sets.map { RobustnessEvaluation.subset($0, max: sweep.maxPerSet) }
        let part = settings.shard.map { ShardedScoring.part(of: sets, shard: $0, log: log) }
        let scoredSets = part?.sets ?? sets
        let total = scoredSets.reduce(0) { $0 + $1.images.count } * sweep.levels.count
        log(
            "\(sets.count) set(s), \(sets.map { "\($0.name) (\($0.realCount)+\($0.fakeCount))" }.joined(separator: ", ")); "
                + "\(sweep.levels.count) level(s), \(total) scorings; \(sweep.preprocessing.description), threshold \(sweep.threshold)")
        let bar = progress(total)
        let (perSet, cacheWarnings) = RobustnessEvaluation.scoreSets(
            model: detector.network, sets: scoredSets, settings: sweep,
            progress: { bar.advance(by: $0) })
        bar.finish()
        let result = RobustnessEvaluation.assemble(sets: scoredSets, settings: sweep, perSet: perSet, warnings: cacheWarnings)
        var manifest = RunManifest(commandLine: settings.commandLine)
        manifest.model = try detector.manifestInfo()
        manifest.datasets = sets.map { RunManifest.datasetInfo(name: $0.name, root: $0.root, files: $0.images.map(\.path)) }
        manifest.settings = sweep.manifestSettings
        if let part {
            let m = ScoringShardManifest(
                kind: "robustness", shard: part.shard, fingerprint: part.fingerprint, sets: sets,
                blocks: sweep.levels.map { ScoringShardManifest.blockName($0.0, $0.1) },
                threshold: sweep.threshold, robustness: sweep, positions: part.positions,
                warnings: cacheWarnings, manifest: manifest)
            try ShardedScoring.write(scoresCSV: result.scoresCSV(), manifest: m, to: settings.output)
            cacheWarnings.forEach(log)
        } else {
            try result.write(to: settings.output, manifest: manifest)
            result.warnings.forEach(log)
        }
        return Outcome(sets: sets, result: result)
    }
}

extension RobustnessSettings {
    /// The manifest's `settings` (strings, as `RunManifest` stores them).
    public var manifestSettings: [String: String] {
        [
            "command": "robustness", "crop": preprocessing.crop.map(String.init) ?? "none",
            "threshold": "\(threshold)", "blur": blurSigmas.map { "\($0)" }.joined(separator: ","),
            "jpeg": jpegQualities.map(String.init).joined(separator: ","), "jpeg_method": "pil",
            "resize": resizeFactors.map { "\($0)" }.joined(separator: ","), "resize_filter": "bilinear",
            "max_per_set": maxPerSet.map(String.init) ?? "all", "batch_size": String(batchSize),
            "cache_bytes": String(cacheBytes)
        ]
    }
}
