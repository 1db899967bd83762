import Foundation

/// Writes an evaluation: `results.csv` (the reference's `testset, accuracy, avg precision`
/// columns first, then ours), `results.json`, `scores.csv` (one row per image), and the
/// text table printed for people.
public struct EvalReport {
    public var results: [Evaluation.SetResult]
    /// Per preprocessing (its description), every image of every set.
    public var scores: [(preprocessing: String, images: [Evaluation.ScoredImage])]
    public var threshold: Double

    public init(
        results: [Evaluation.SetResult], scores: [(preprocessing: String, images: [Evaluation.ScoredImage])],
        threshold: Double
    ) {
        self.results = results
        self.scores = scores
        self.threshold = threshold
    }

    /// Writes `results.csv`, `results.json`, `scores.csv` and `manifest.json` into `directory`
    /// (created if needed).
    public func write(to directory: URL, manifest: RunManifest) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try csv().write(to: directory.appendingPathComponent("results.csv"), atomically: true, encoding: .utf8)
        try json().write(to: directory.appendingPathComponent("results.json"), atomically: true, encoding: .utf8)
        try scoresCSV().write(to: directory.appendingPathComponent("scores.csv"), atomically: true, encoding: .utf8)
        try manifest.write(to: directory.appendingPathComponent("manifest.json"))
    }

    public static let csvColumns = [
        "testset", "accuracy", "avg precision", "real accuracy", "fake accuracy", "auc", "eer",
        "tpr@fpr1%", "tpr@fpr5%", "best accuracy", "best threshold", "n real", "n fake", "failed", "preprocessing"
    ]

    private func f(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }

    /// Values are fractions in [0, 1] as the reference's CSV writes them; the mean over sets
    /// closes each preprocessing block.
    public func csv() -> String {
        var lines = [Self.csvColumns.joined(separator: ",")]
        for block in preprocessingBlocks() {
            for r in block {
                let m = r.metrics
                lines.append(
                    [
                        r.set, f(m?.atThreshold.accuracy), f(m?.averagePrecision), f(m?.atThreshold.realAccuracy),
                        f(m?.atThreshold.fakeAccuracy), f(m?.rocAUC), f(m?.equalErrorRate?.rate),
                        f(m?.atFPR1Percent?.truePositiveRate), f(m?.atFPR5Percent?.truePositiveRate),
                        f(m?.bestAccuracy?.accuracy), f(m?.bestAccuracy?.threshold),
                        "\(m?.realCount ?? 0)", "\(m?.fakeCount ?? 0)", "\(r.failed)", r.preprocessing
                    ]
                    .map(csvField).joined(separator: ","))
            }
            let mean = Evaluation.mean(block)
            lines.append(
                [
                    "mean", f(mean["accuracy"]), f(mean["avg precision"]), f(mean["real accuracy"]),
                    f(mean["fake accuracy"]), f(mean["auc"]), f(mean["eer"]), f(mean["tpr@fpr1%"]),
                    f(mean["tpr@fpr5%"]), f(mean["best accuracy"]), "", "", "", "", block.first?.preprocessing ?? ""
                ]
                .map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per image: set, class, path, label, format, probability, logit, error.
    public func scoresCSV() -> String {
        var lines = ["preprocessing,set,class,path,label,format,probability,logit,error"]
        for (pre, block) in scores {
            for s in block {
                lines.append(
                    [
                        pre, s.setName, s.className ?? "", s.path, "\(s.label)", s.format ?? "",
                        f(s.probability), f(s.logit), s.error ?? ""
                    ].map(csvField).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() throws -> String {
        struct Doc: Encodable {
            var threshold: Double
            var sets: [Evaluation.SetResult]
            var means: [String: [String: Double]]
        }
        var means: [String: [String: Double]] = [:]
        for block in preprocessingBlocks() { means[block[0].preprocessing] = Evaluation.mean(block) }
        let enc = JSONText.encoder(pretty: true)
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try enc.encode(Doc(threshold: threshold, sets: results, means: means)), as: UTF8.self)
    }

    /// The table for a terminal: percentages, one block per preprocessing, warnings after.
    public func table() -> String {
        var out = ""
        let widths = [-22, 7, 7, 8, 8, 7, 6, 9, 6, 6]
        let header = TextTable.row(["set", "AP", "acc", "real acc", "fake acc", "AUC", "EER", "TPR@5%FPR", "real", "fake"], widths)
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f", 100 * $0) } ?? "-" }
        for block in preprocessingBlocks() {
            out += "== \(block[0].preprocessing), threshold \(threshold)\n" + header + "\n"
            func row(
                _ name: String, _ ap: Double?, _ acc: Double?, _ ra: Double?, _ fa: Double?, _ auc: Double?,
                _ eer: Double?, _ tpr: Double?, _ nr: String, _ nf: String
            ) -> String {
                TextTable.row([name, pct(ap), pct(acc), pct(ra), pct(fa), pct(auc), pct(eer), pct(tpr), nr, nf], widths)
            }
            for r in block {
                let m = r.metrics
                out +=
                    row(
                        r.set, m?.averagePrecision, m?.atThreshold.accuracy, m?.atThreshold.realAccuracy,
                        m?.atThreshold.fakeAccuracy, m?.rocAUC, m?.equalErrorRate?.rate,
                        m?.atFPR5Percent?.truePositiveRate, "\(m?.realCount ?? 0)", "\(m?.fakeCount ?? 0)") + "\n"
            }
            if block.count > 1 {
                let mean = Evaluation.mean(block)
                out +=
                    row(
                        "mean", mean["avg precision"], mean["accuracy"], mean["real accuracy"], mean["fake accuracy"],
                        mean["auc"], mean["eer"], mean["tpr@fpr5%"], "", "") + "\n"
            }
            for r in block where r.formats.count > 1 {
                out +=
                    "  \(r.set) by format: "
                    + r.formats.map {
                        "\($0.format) (\($0.realCount) real, \($0.fakeCount) fake): AP \(pct($0.averagePrecision)), acc \(pct($0.accuracy))"
                    }.joined(separator: "; ") + "\n"
            }
        }
        let warnings = results.flatMap { $0.warnings } + results.flatMap { $0.metrics?.notes ?? [] }.map { "note: \($0)" }
        if !warnings.isEmpty { out += "\n" + Array(Set(warnings)).sorted().joined(separator: "\n") + "\n" }
        return out
    }

    private func preprocessingBlocks() -> [[Evaluation.SetResult]] {
        var order: [String] = []
        var blocks: [String: [Evaluation.SetResult]] = [:]
        for r in results {
            if blocks[r.preprocessing] == nil { order.append(r.preprocessing) }
            blocks[r.preprocessing, default: []].append(r)
        }
        return order.map { blocks[$0]! }
    }

    private func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
