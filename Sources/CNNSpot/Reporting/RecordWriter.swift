import Foundation

/// Streams detection records as they are scored: CSV, JSON Lines, or an aligned table for
/// people. Each row is flushed at once so a long run can be followed (`tail -f`) and a
/// crash loses nothing already written.
public final class RecordWriter {
    public enum Format: String, CaseIterable, Sendable { case csv, jsonl, table }

    static let tableWidths = [-11, -9, 9, -6, 0]

    public static let columns = ["path", "probability", "logit", "label", "verdict", "width", "height", "format", "error"]

    private let format: Format
    private let sink: (String) -> Void
    private var wroteHeader = false

    /// `sink` receives whole lines including their newline.
    public init(format: Format, sink: @escaping (String) -> Void) {
        self.format = format
        self.sink = sink
    }

    public func write(_ record: DetectionRecord) {
        // File names may carry bytes that are not UTF-8 (PathBytes): shown as \xNN, so every
        // row is valid UTF-8 text.
        var r = record
        r.path = PathBytes.display(r.path)
        r.error = r.error.map(PathBytes.display)
        if !wroteHeader {
            wroteHeader = true
            switch format {
            case .csv: sink(Self.columns.joined(separator: ",") + "\n")
            case .table: sink(TextTable.row(["probability", "verdict", "size", "format", "path"], Self.tableWidths) + "\n")
            case .jsonl: break
            }
        }
        switch format {
        case .csv: sink(csvRow(r) + "\n")
        case .jsonl: sink(jsonLine(r) + "\n")
        case .table: sink(tableRow(r) + "\n")
        }
    }

    func csvRow(_ r: DetectionRecord) -> String {
        [
            csvField(r.path), r.probability.map(Self.number) ?? "", r.logit.map(Self.number) ?? "", r.label ?? "", r.verdict ?? "",
            r.width.map(String.init) ?? "", r.height.map(String.init) ?? "", r.format ?? "", csvField(r.error ?? "")
        ]
        .joined(separator: ",")
    }

    func jsonLine(_ r: DetectionRecord) -> String {
        var parts = ["\"path\":" + JSONText.quoted(r.path)]
        parts.append("\"probability\":" + (r.probability.map(Self.number) ?? "null"))
        parts.append("\"logit\":" + (r.logit.map(Self.number) ?? "null"))
        parts.append("\"label\":" + (r.label.map(JSONText.quoted) ?? "null"))
        parts.append("\"verdict\":" + (r.verdict.map(JSONText.quoted) ?? "null"))
        parts.append("\"width\":" + (r.width.map(String.init) ?? "null"))
        parts.append("\"height\":" + (r.height.map(String.init) ?? "null"))
        parts.append("\"format\":" + (r.format.map(JSONText.quoted) ?? "null"))
        parts.append("\"error\":" + (r.error.map(JSONText.quoted) ?? "null"))
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// Control characters (a newline in a file name) as escapes, so one record stays one line.
    static func oneLine(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F { out += "\\x" + String(format: "%02X", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    func tableRow(_ record: DetectionRecord) -> String {
        var r = record
        r.path = Self.oneLine(r.path)
        r.error = r.error.map(Self.oneLine)
        let size = (r.width != nil && r.height != nil) ? "\(r.width!)x\(r.height!)" : "-"
        if let error = r.error {
            let message = error.hasPrefix(r.path) ? error : "\(r.path): \(error)"
            return TextTable.row(["-", "ERROR", size, r.format ?? "-", message], Self.tableWidths)
        }
        let p = r.probability.map { String(format: "%.6f", $0) } ?? "n/a"
        return TextTable.row([p, r.verdict ?? r.label ?? "-", size, r.format ?? "-", r.path], Self.tableWidths)
    }

    /// Shortest round-trippable decimal, so CSV/JSON keep full precision.
    static func number(_ x: Double) -> String {
        x.isFinite ? "\(x)" : "null"
    }

    func csvField(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}
