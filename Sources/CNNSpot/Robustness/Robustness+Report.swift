import Foundation

extension RobustnessRow {
    /// Column names of `robustness.csv`.
    public static let csvHeader = ["perturbation", "level", "set", "ap", "accuracy", "real_acc", "fake_acc", "auc", "n", "failed"]

    /// Metrics as fractions in [0, 1] with full precision (Swift's shortest round-trip
    /// representation); an undefined metric is an empty field.
    public var csvFields: [String] {
        func f(_ v: Double?) -> String { v.map { "\($0)" } ?? "" }
        return [
            perturbation.rawValue, perturbation.format(level), set, f(averagePrecision), f(accuracy),
            f(realAccuracy), f(fakeAccuracy), f(auc), String(count), String(failed)
        ]
    }
}

/// CSV field quoting (RFC 4180): quoted when it holds a comma, quote or line break.
func csvQuoted(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

extension RobustnessResult {
    /// `robustness.csv`: one row per set and level, then a `mean` row per level.
    public func csv() -> String {
        ([RobustnessRow.csvHeader] + rows.map(\.csvFields)).map { $0.map(csvQuoted).joined(separator: ",") }
            .joined(separator: "\n") + "\n"
    }

    /// `scores.csv`: every image at every level (perturbation, level, set, path, label,
    /// probability, logit, error), so any metric can be recomputed.
    public func scoresCSV() -> String {
        var lines = ["perturbation,level,set,path,label,probability,logit,error"]
        for (p, level, images) in scores {
            for s in images {
                lines.append(
                    [
                        p.rawValue, p.format(level), s.setName, s.path, String(s.label),
                        s.probability.map { "\($0)" } ?? "", s.logit.map { "\($0)" } ?? "", s.error ?? ""
                    ]
                    .map(csvQuoted).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    struct JSONReport: Encodable {
        struct SetInfo: Encodable { var name: String; var root: String; var real: Int; var fake: Int }
        var settings: RobustnessSettings
        var sets: [SetInfo]
        var rows: [RobustnessRow]
        var warnings: [String]
    }

    /// `robustness.json`: settings, sets, rows (the CSV's columns) and warnings.
    public func json() throws -> Data {
        let report = JSONReport(
            settings: settings,
            sets: sets.map { .init(name: $0.name, root: $0.root, real: $0.realCount, fake: $0.fakeCount) },
            rows: rows, warnings: warnings)
        let enc = JSONText.encoder(pretty: true)
        return try enc.encode(report)
    }

    /// The perturbations swept, in order.
    public var perturbations: [Perturbation] {
        Perturbation.allCases.filter { p in rows.contains { $0.perturbation == p } }
    }

    /// A line plot of `metric` (in %) against the level of `perturbation`: one line per set and,
    /// with several sets, their mean in black (as Fig. 5 of the paper).
    public func plot(_ perturbation: Perturbation, metric: RobustnessMetric) -> LinePlot {
        let mine = rows.filter { $0.perturbation == perturbation }
        var names = sets.map(\.name)
        if names.count > 1 { names.append("mean") }
        let series = names.map { name -> LineSeries in
            let r = mine.filter { $0.set == name }
            return LineSeries(
                name: name, x: r.map(\.level), y: r.map { ($0[keyPath: metric.keyPath] ?? .nan) * 100 },
                color: name == "mean" ? .black : nil)
        }
        var plot = LinePlot(
            title: "\(metric.title) vs \(perturbation.displayName)", xLabel: perturbation.axisTitle,
            yLabel: "\(metric.title) (%)", series: series)
        plot.yRange = 0...100
        plot.xReversed = perturbation.axisReversed
        return plot
    }

    /// The `mean` row of every level, as a quick look in a terminal.
    public func summaryTable() -> String {
        var out = "perturbation level    mean AP   mean acc   scored failed\n"
        for r in rows where r.set == "mean" {
            func pct(_ v: Double?) -> String { v.map { String(format: "%7.2f%%", $0 * 100) } ?? "      -" }
            let name = r.perturbation.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
            let level = r.perturbation.format(r.level).padding(toLength: 8, withPad: " ", startingAt: 0)
            out += "\(name) \(level) \(pct(r.averagePrecision))  \(pct(r.accuracy))  " + String(format: "%6d %6d", r.count, r.failed) + "\n"
        }
        return out
    }

    /// Writes `robustness.csv`, `scores.csv`, `robustness.json`, `<perturbation>_ap.png`,
    /// `<perturbation>_acc.png` and, given one, `manifest.json` into `directory` (created if
    /// needed). Returns the file names.
    @discardableResult
    public func write(to directory: URL, manifest: RunManifest? = nil) throws -> [String] {
        let fm = FileManager.default
        do { try fm.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw RobustnessError.io(path: directory.path, reason: error.localizedDescription)
        }
        var written: [String] = []
        func put(_ name: String, _ data: Data) throws {
            let url = directory.appendingPathComponent(name)
            do { try data.write(to: url, options: .atomic) } catch {
                throw RobustnessError.io(path: url.path, reason: error.localizedDescription)
            }
            written.append(name)
        }
        try put("robustness.csv", Data(csv().utf8))
        try put("scores.csv", Data(scoresCSV().utf8))
        try put("robustness.json", try json())
        for p in perturbations {
            for m in RobustnessMetric.allCases {
                try put("\(p.rawValue)_\(m.fileSuffix).png", Data(try ImageEncoder.png(plot(p, metric: m).render())))
            }
        }
        if let manifest {
            let url = directory.appendingPathComponent("manifest.json")
            do { try manifest.write(to: url) } catch { throw RobustnessError.io(path: url.path, reason: error.localizedDescription) }
            written.append("manifest.json")
        }
        return written
    }
}

/// The metrics plotted per perturbation.
public enum RobustnessMetric: CaseIterable, Sendable {
    case averagePrecision, accuracy

    var keyPath: KeyPath<RobustnessRow, Double?> { self == .averagePrecision ? \.averagePrecision : \.accuracy }
    var title: String { self == .averagePrecision ? "AP" : "accuracy" }
    public var fileSuffix: String { self == .averagePrecision ? "ap" : "acc" }
}
