import Foundation

/// `cnnspot eval` as one call: find the sets of each root, take at most `maxPerClass` images per
/// class, score them under each preprocessing, and write the report and manifest (or, for one
/// shard of the job, its scores and shard manifest for `ShardedScoring.merge`).
public enum EvaluationRun {
    public struct Settings: Sendable {
        /// ForenSynths test roots, single sets, or several; their sets are evaluated in order.
        public var roots: [String]
        public var layout: ForenSynthsLayout.Mode = .auto
        /// How `layout` was asked for (`auto`, `one-set`, `set-per-child`), as the manifest records it.
        public var layoutName = "auto"
        /// `--crop` arguments as given (`224`, `none`): one preprocessing each; empty: the full image.
        public var crops: [String] = []
        /// `--threshold`; nil: the model's (`Detector.threshold(given:)`).
        public var threshold: Double?
        public var batchSize = 16
        public var exifTranspose = false
        /// At most this many images per class (`0_real`, `1_fake`) of each set, first by path.
        public var maxPerClass: Int?
        /// Score only this part of the job's images (nil: all of them).
        public var shard: Shard?
        public var output: URL
        public var commandLine = CommandLine.arguments

        public init(roots: [String], output: URL) {
            self.roots = roots
            self.output = output
        }

        /// One preprocessing per `crops` entry (the full image without any).
        public func preprocessings() throws -> [TestTimePreprocessing] {
            crops.isEmpty ? [TestTimePreprocessing()] : try crops.map { try TestTimePreprocessing(cropArgument: $0) }
        }

        /// The manifest's `settings` (strings, as `RunManifest` stores them), with the threshold
        /// the run used and the network's thread count.
        public func manifestSettings(threshold: Double, threads: Int) -> [String: String] {
            [
                "threshold": "\(threshold)", "crop": crops.isEmpty ? "none" : crops.joined(separator: ","),
                "batch_size": "\(batchSize)", "threads": "\(threads)", "exif_transpose": "\(exifTranspose)",
                "layout": layoutName
            ]
        }
    }

    /// What a run wrote and what went wrong on the way.
    public struct Outcome {
        /// Every set of the job (a shard scored part of their images).
        public var sets: [ImageSet]
        /// The metrics and scores; without a shard, written to `Settings.output`.
        public var report: EvalReport
        /// Images that could not be scored.
        public var failed: Int
        /// Discovery warnings other than notes (an unreadable folder, a skipped set).
        public var problems: Int
    }

    /// Runs the evaluation of `settings` with `detector`. `log` gets the discovery warnings and
    /// the shard's share, one line each; `progress` makes the bar for the number of scorings.
    public static func run(
        _ settings: Settings, detector: Detector, log: (String) -> Void = { _ in },
        progress: (Int) -> ProgressBar = { ProgressBar(total: $0, label: "eval", enabled: false) }
    )
        throws -> Outcome
    {
        var sets: [ImageSet] = []
        var manifest = RunManifest(commandLine: settings.commandLine)
        var problems = 0
        for root in settings.roots {
            let found = try ForenSynthsLayout.discover(root, mode: settings.layout)
            found.warnings.forEach(log)
            problems += found.warnings.filter { !$0.hasPrefix("note:") }.count
            for var s in found.sets {
                if let cap = settings.maxPerClass {
                    var kept: [LabeledImage] = []
                    var seen = [0, 0]
                    for im in s.images where seen[im.label] < cap { kept.append(im); seen[im.label] += 1 }
                    s.images = kept
                }
                sets.append(s)
                manifest.datasets.append(RunManifest.datasetInfo(name: s.name, root: s.root, files: s.images.map(\.path)))
            }
        }
        let threshold = detector.threshold(given: settings.threshold)
        manifest.model = try detector.manifestInfo()
        manifest.settings = settings.manifestSettings(threshold: threshold, threads: detector.network.compute.threads)
        var decode = DecodeOptions()
        decode.applyEXIFOrientation = settings.exifTranspose

        let pres = try settings.preprocessings()
        let part = settings.shard.map { ShardedScoring.part(of: sets, shard: $0, log: log) }
        let scoredSets = part?.sets ?? sets
        var results: [Evaluation.SetResult] = []
        var allScores: [(preprocessing: String, images: [Evaluation.ScoredImage])] = []
        let bar = progress(scoredSets.reduce(0) { $0 + $1.images.count } * pres.count)
        for pre in pres {
            let scored = Evaluation.score(
                detector: detector, sets: scoredSets, preprocessing: pre, threshold: threshold,
                batchSize: settings.batchSize, decodeOptions: decode,
                progress: { bar.advance(by: $0) })
            for (set, s) in zip(scoredSets, scored) where part == nil {
                results.append(Evaluation.summarize(s, set: set.name, preprocessing: pre, threshold: threshold))
            }
            allScores.append((pre.description, scored.flatMap { $0 }))
        }
        bar.finish()

        let report = EvalReport(results: results, scores: allScores, threshold: threshold)
        let failed = allScores.reduce(0) { $0 + $1.images.filter { $0.error != nil }.count }
        if failed > 0 { log("\(failed) image(s) could not be scored (see the error column of scores.csv)") }
        if let part {
            let m = ScoringShardManifest(
                kind: "eval", shard: part.shard, fingerprint: part.fingerprint, sets: sets,
                blocks: pres.map(\.description), threshold: threshold, crops: pres.map(\.crop),
                positions: part.positions, manifest: manifest)
            try ShardedScoring.write(scoresCSV: report.scoresCSV(), manifest: m, to: settings.output)
        } else {
            try report.write(to: settings.output, manifest: manifest)
        }
        return Outcome(sets: sets, report: report, failed: failed, problems: problems)
    }
}
