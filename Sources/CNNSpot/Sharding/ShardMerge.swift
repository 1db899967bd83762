import Foundation

extension InputItem {
    /// What the shard partition sorts by: the image path, or the input that failed.
    public var shardKey: String {
        switch self {
        case .image(let p): return p
        case .failure(let input, _): return input
        }
    }
}

/// What a shard of `cnnspot detect --shard` writes beside its rows (`OUT.shard.json`), written
/// last and atomically: an output without it is an unfinished shard.
public struct ShardManifest: Codable, Equatable, Sendable {
    public var kind = "detect"
    public var shard: Int
    public var shards: Int
    /// SHA-256 of the job's sorted input list (`Shard.fingerprint`): equal in every shard of one job.
    public var inputs_sha256: String
    /// Inputs of the whole job, and of this shard (its rows).
    public var inputs_total: Int
    public var rows: Int
    public var format: String

    public init(shard: Shard, fingerprint: String, total: Int, rows: Int, format: String) {
        self.shard = shard.index
        self.shards = shard.count
        self.inputs_sha256 = fingerprint
        self.inputs_total = total
        self.rows = rows
        self.format = format
    }

    public static func path(for output: String) -> String { output + ".shard.json" }

    public func write(beside output: String) throws {
        let url = URL(fileURLWithPath: Self.path(for: output))
        try JSONText.encoder(pretty: true).encode(self).write(to: url, options: .atomic)
    }
}

/// `cnnspot merge`: joins the per-image outputs of the N shards of one `detect --shard` job into
/// the file one unsharded run writes (rows in the job's sorted input order, the same bytes).
public enum ShardMerge {
    public struct Result: Sendable {
        public var text: String
        public var rows: Int
        public var failedRows: Int
        public var shards: Int
    }

    public static func merge(outputs: [String]) throws -> Result {
        guard !outputs.isEmpty else { throw ShardError.invalid("merge: give the shard outputs (FILE with FILE.shard.json beside it)") }
        var manifests: [(String, ShardManifest)] = []
        for o in outputs {
            let mpath = ShardManifest.path(for: o)
            guard FileManager.default.fileExists(atPath: o) else { throw ShardError.invalid("\(o): no such file") }
            guard let data = FileManager.default.contents(atPath: mpath) else {
                throw ShardError.invalid("\(o): no \(mpath) beside it (not a shard output, or its shard did not finish)")
            }
            guard data.count < 1 << 20 else { throw ShardError.invalid("\(mpath): \(data.count) bytes, not a shard manifest") }
            do { manifests.append((o, try JSONDecoder().decode(ShardManifest.self, from: data))) } catch {
                throw ShardError.invalid("\(mpath): not a shard manifest (\(error))")
            }
        }
        let (firstFile, first) = manifests[0]
        for (f, m) in manifests.dropFirst() {
            if m.kind != first.kind || m.shards != first.shards || m.inputs_sha256 != first.inputs_sha256
                || m.inputs_total != first.inputs_total || m.format != first.format
            {
                throw ShardError.invalid(
                    "\(f) is shard \(m.shard)/\(m.shards) of another job than \(firstFile) "
                        + "(inputs \(m.inputs_total) vs \(first.inputs_total), fingerprint \(m.inputs_sha256.prefix(12)) vs \(first.inputs_sha256.prefix(12)), format \(m.format) vs \(first.format))"
                )
            }
        }
        let n = first.shards
        var byIndex = [Int: (file: String, manifest: ShardManifest)]()
        for (f, m) in manifests {
            guard (0..<n).contains(m.shard) else { throw ShardError.invalid("\(ShardManifest.path(for: f)): shard \(m.shard) of \(n)") }
            if let other = byIndex[m.shard] { throw ShardError.invalid("shard \(m.shard)/\(n) given twice: \(other.file) and \(f)") }
            byIndex[m.shard] = (f, m)
        }
        let missing = (0..<n).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw ShardError.invalid(
                "missing shard(s) " + missing.map { "\($0)/\(n)" }.joined(separator: ", ")
                    + " of the job (\(manifests.count) of \(n) given)")
        }
        var header: String?
        var rowsByShard: [[Substring]] = []
        for i in 0..<n {
            let (f, m) = byIndex[i]!
            guard let text = try? String(contentsOfFile: f, encoding: .utf8) else { throw ShardError.invalid("\(f): cannot read it as text") }
            var records = first.format == "csv" ? csvRecords(text) : text.split(separator: "\n", omittingEmptySubsequences: true)
            if first.format == "csv" {
                guard let h = records.first else { throw ShardError.invalid("\(f): empty (no CSV header)") }
                if let header, header != String(h) { throw ShardError.invalid("\(f): its CSV header differs from \(byIndex[0]!.file)'s") }
                header = String(h)
                records.removeFirst()
            }
            let expected = (m.inputs_total - i + n - 1) / n
            guard records.count == m.rows, m.rows == expected else {
                throw ShardError.invalid(
                    "\(f): \(records.count) rows, its manifest says \(m.rows) and shard \(i)/\(n) of \(m.inputs_total) inputs has \(expected) (truncated or edited?)"
                )
            }
            rowsByShard.append(records)
        }
        // Shard i holds the job's sorted positions i, i + n, i + 2n, ...: interleave them back.
        var out = header.map { $0 + "\n" } ?? ""
        var failed = 0
        for k in 0..<first.inputs_total {
            let row = rowsByShard[k % n][k / n]
            if rowHasError(row, format: first.format) { failed += 1 }
            out += row
            out += "\n"
        }
        return Result(text: out, rows: first.inputs_total, failedRows: failed, shards: n)
    }

    /// CSV records (a quoted field may hold a newline), without their line ends.
    static func csvRecords(_ text: String) -> [Substring] {
        var out: [Substring] = []
        var start = text.startIndex, quoted = false, i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "\"" {
                quoted.toggle()
            } else if c == "\n" && !quoted {
                out.append(text[start..<i])
                start = text.index(after: i)
            }
            i = text.index(after: i)
        }
        if start < text.endIndex { out.append(text[start...]) }
        return out
    }

    /// Whether a detect row carries an error (its last field is not empty / not null).
    static func rowHasError(_ row: Substring, format: String) -> Bool {
        if format == "csv" { return !row.hasSuffix(",") }
        return !row.hasSuffix("\"error\":null}")
    }
}
