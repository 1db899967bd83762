import Foundation

/// `cnnspot eval --shard` and `cnnspot robustness --shard`: each of N processes scores a
/// deterministic part of the job's images under every preprocessing or perturbation level, and
/// `cnnspot merge` puts the per-image scores back in the job's order and computes every metric
/// from them, exactly as one unsharded run does (the same `results.csv` to the last digit).
///
/// The job: its sets in order, each set's images in the set's order; position k of the job is
/// the k-th image of the sets concatenated. The partition is `Shard`'s (images in path byte
/// order, round robin), so a shard's images are spread over every set.
public struct ScoringShardManifest: Codable, Sendable {
    public struct SetEntry: Codable, Equatable, Sendable {
        public var name: String
        public var root: String
        public var images: Int
    }

    public static let fileName = "shard.json"

    /// `eval` or `robustness`.
    public var kind: String
    public var shard: Int
    public var shards: Int
    /// `Shard.fingerprint` of every image path of the job.
    public var inputs_sha256: String
    public var inputs_total: Int
    public var sets: [SetEntry]
    /// The score blocks in order: eval's preprocessings, robustness's perturbation levels.
    public var blocks: [String]
    public var threshold: Double
    /// eval: the center crop of each block (nil: the full image).
    public var crops: [Int?]?
    /// robustness: the sweep.
    public var robustness: RobustnessSettings?
    /// The job positions this shard scored, ascending: its `scores.csv` holds one row per
    /// position and block, block by block.
    public var positions: [Int]
    /// Warnings of this shard's run that belong in the merged report (robustness: cache misses).
    public var warnings: [String]
    /// The job's manifest as an unsharded run writes it (datasets over the whole job).
    public var manifest: RunManifest

    public init(
        kind: String, shard: Shard, fingerprint: String, sets: [ImageSet], blocks: [String], threshold: Double,
        crops: [Int?]? = nil, robustness: RobustnessSettings? = nil, positions: [Int], warnings: [String] = [],
        manifest: RunManifest
    ) {
        self.kind = kind
        self.shard = shard.index
        self.shards = shard.count
        self.inputs_sha256 = fingerprint
        self.inputs_total = sets.reduce(0) { $0 + $1.images.count }
        self.sets = sets.map { SetEntry(name: $0.name, root: $0.root, images: $0.images.count) }
        self.blocks = blocks
        self.threshold = threshold
        self.crops = crops
        self.robustness = robustness
        self.positions = positions
        self.warnings = warnings
        self.manifest = manifest
    }

    /// What every shard of one job has in common (the settings of the shard's machine, batch
    /// size and cache, may differ).
    func jobIdentity() throws -> Data {
        struct Identity: Encodable {
            var kind: String; var shards: Int; var inputs: String; var total: Int; var sets: [SetEntry]
            var blocks: [String]; var threshold: Double; var crops: [Int?]?; var levels: [String]; var crop: Int?
            var maxPerSet: Int?; var model: String?; var decoding: [String?]
        }
        let r = robustness
        return try JSONText.encoder(pretty: false).encode(
            Identity(
                kind: kind, shards: shards, inputs: inputs_sha256, total: inputs_total, sets: sets, blocks: blocks,
                threshold: threshold, crops: crops, levels: r?.levels.map { "\($0.0.rawValue) \($0.1)" } ?? [],
                crop: r?.preprocessing.crop, maxPerSet: r?.maxPerSet, model: manifest.model?.sha256,
                decoding: [manifest.settings["exif_transpose"], manifest.settings["layout"]]))
    }
}

public enum ShardedScoring {
    /// The part of `sets` that `shard` scores: the same sets (empty ones kept), each with its
    /// images of the shard in the set's order, the job positions of those images (ascending)
    /// and the job's fingerprint.
    public static func select(_ sets: [ImageSet], shard: Shard) -> (sets: [ImageSet], positions: [Int], fingerprint: String) {
        let (picked, fingerprint) = shard.split(sets.flatMap { $0.images.map(\.path) })
        let positions = picked.sorted()
        var mine = Set(positions)
        var out: [ImageSet] = []
        var offset = 0
        for set in sets {
            var part = set
            part.images = set.images.indices.filter { mine.remove(offset + $0) != nil }.map { set.images[$0] }
            offset += set.images.count
            out.append(part)
        }
        return (out, positions, fingerprint)
    }

    /// `select` for a run that scores one shard of `sets`, which says through `log` what the
    /// shard scores (`shard 1/3: 5 of 14 image(s)`).
    public static func part(of sets: [ImageSet], shard: Shard, log: (String) -> Void)
        -> (shard: Shard, sets: [ImageSet], positions: [Int], fingerprint: String)
    {
        let (mine, positions, fingerprint) = select(sets, shard: shard)
        log("shard \(shard): \(positions.count) of \(sets.reduce(0) { $0 + $1.images.count }) image(s)")
        return (shard, mine, positions, fingerprint)
    }

    /// Writes a shard's `scores.csv`, then (last, atomically) its `shard.json` into `directory`.
    public static func write(scoresCSV: String, manifest: ScoringShardManifest, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(scoresCSV.utf8).write(to: directory.appendingPathComponent("scores.csv"), options: .atomic)
        try JSONText.encoder(pretty: true).encode(manifest)
            .write(to: directory.appendingPathComponent(ScoringShardManifest.fileName), options: .atomic)
    }

    /// Whether `path` is a folder: eval and robustness shards write folders, detect shards files.
    public static func isShardFolder(_ path: String) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
    }

    /// The merged job: every block's scores per set, in the job's order.
    public struct Merged: Sendable {
        public var manifest: ScoringShardManifest
        /// `scores[block][set]`: the set's images in its order.
        public var scores: [[[Evaluation.ScoredImage]]]
        public var warnings: [String]
    }

    /// Reads the shard folders of one job (any order) and joins their scores.
    public static func merge(folders: [String]) throws -> Merged {
        guard !folders.isEmpty else { throw ShardError.invalid("merge: give the shard folders") }
        var shards: [(folder: String, manifest: ScoringShardManifest)] = []
        for folder in folders {
            let path = (folder as NSString).appendingPathComponent(ScoringShardManifest.fileName)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ShardError.invalid("\(folder): no \(ScoringShardManifest.fileName) in it (not a shard folder, or its shard did not finish)")
            }
            guard data.count < 256 << 20 else { throw ShardError.invalid("\(path): \(data.count) bytes, not a shard manifest") }
            do { shards.append((folder, try JSONDecoder().decode(ScoringShardManifest.self, from: data))) } catch {
                throw ShardError.invalid("\(path): not a shard manifest (\(error))")
            }
        }
        let first = shards[0]
        let identity = try first.manifest.jobIdentity()
        for s in shards.dropFirst() {
            guard try s.manifest.jobIdentity() != identity else { continue }
            let m = s.manifest, f = first.manifest
            throw ShardError.invalid(
                "\(s.folder) is shard \(m.shard)/\(m.shards) of another job than \(first.folder) "
                    + "(\(m.kind) of \(m.inputs_total) images, fingerprint \(m.inputs_sha256.prefix(12)), \(m.blocks.count) block(s) "
                    + "vs \(f.kind) of \(f.inputs_total), \(f.inputs_sha256.prefix(12)), \(f.blocks.count); or another model or settings)")
        }
        let n = first.manifest.shards, total = first.manifest.inputs_total
        var byIndex = [Int: (folder: String, manifest: ScoringShardManifest)]()
        for s in shards {
            guard (0..<n).contains(s.manifest.shard) else { throw ShardError.invalid("\(s.folder): shard \(s.manifest.shard) of \(n)") }
            if let other = byIndex[s.manifest.shard] {
                throw ShardError.invalid("shard \(s.manifest.shard)/\(n) given twice: \(other.folder) and \(s.folder)")
            }
            byIndex[s.manifest.shard] = s
        }
        let missing = (0..<n).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw ShardError.invalid(
                "missing shard(s) " + missing.map { "\($0)/\(n)" }.joined(separator: ", ")
                    + " of the job (\(shards.count) of \(n) given)")
        }
        // Where each job position's set starts, to check every row's set.
        var setOf = [Int](repeating: 0, count: total)
        var offsets: [Int] = []
        var at = 0
        for (i, s) in first.manifest.sets.enumerated() {
            offsets.append(at)
            guard at + s.images <= total else { throw ShardError.invalid("\(first.folder): its sets hold more than \(total) images") }
            for k in at..<(at + s.images) { setOf[k] = i }
            at += s.images
        }
        guard at == total else { throw ShardError.invalid("\(first.folder): its sets hold \(at) images, not \(total)") }

        let blocks = first.manifest.blocks
        var flat = [[Evaluation.ScoredImage?]](repeating: [Evaluation.ScoredImage?](repeating: nil, count: total), count: blocks.count)
        var warnings: [String] = []
        for i in 0..<n {
            let (folder, m) = byIndex[i]!
            let expected = (total - i + n - 1) / n
            guard m.positions.count == expected, m.positions.allSatisfy({ (0..<total).contains($0) }) else {
                throw ShardError.invalid("\(folder): \(m.positions.count) positions, shard \(i)/\(n) of \(total) images has \(expected)")
            }
            let csvPath = (folder as NSString).appendingPathComponent("scores.csv")
            guard let text = try? String(contentsOfFile: csvPath, encoding: .utf8) else {
                throw ShardError.invalid("\(csvPath): missing or not text")
            }
            var records = ShardMerge.csvRecords(text)
            guard !records.isEmpty else { throw ShardError.invalid("\(csvPath): empty (no CSV header)") }
            let header = csvFields(records.removeFirst())
            guard records.count == m.positions.count * blocks.count else {
                throw ShardError.invalid(
                    "\(csvPath): \(records.count) rows, its shard.json says \(m.positions.count) image(s) x \(blocks.count) block(s) (truncated or edited?)")
            }
            var r = 0
            for b in blocks.indices {
                for p in m.positions {
                    let row = try scoredImage(csvFields(records[r]), header: header, kind: m.kind, file: csvPath, row: r + 2)
                    r += 1
                    let set = first.manifest.sets[setOf[p]]
                    guard row.block == blocks[b], row.image.setName == set.name else {
                        throw ShardError.invalid(
                            "\(csvPath) row \(r + 1): '\(row.block)' of set '\(row.image.setName)', expected '\(blocks[b])' of set '\(set.name)'")
                    }
                    guard flat[b][p] == nil else { throw ShardError.invalid("\(folder): job position \(p) scored twice") }
                    flat[b][p] = row.image
                }
            }
            for w in m.warnings where !warnings.contains(w) { warnings.append(w) }
        }
        var scores: [[[Evaluation.ScoredImage]]] = []
        for b in blocks.indices {
            var perSet: [[Evaluation.ScoredImage]] = []
            for (i, s) in first.manifest.sets.enumerated() {
                var images: [Evaluation.ScoredImage] = []
                for p in offsets[i]..<(offsets[i] + s.images) {
                    guard let image = flat[b][p] else { throw ShardError.invalid("job position \(p) of block '\(blocks[b])' scored by no shard") }
                    images.append(image)
                }
                perSet.append(images)
            }
            scores.append(perSet)
        }
        // Shard 0's manifest, whatever order the folders were given in.
        return Merged(manifest: byIndex[0]!.manifest, scores: scores, warnings: warnings)
    }

    /// One row of an eval or robustness `scores.csv`, by its header's column names.
    static func scoredImage(_ fields: [String], header: [String], kind: String, file: String, row: Int) throws
        -> (block: String, image: Evaluation.ScoredImage)
    {
        guard fields.count == header.count else {
            throw ShardError.invalid("\(file) row \(row): \(fields.count) fields, the header has \(header.count)")
        }
        var v: [String: String] = [:]
        for (k, x) in zip(header, fields) { v[k] = x }
        func need(_ k: String) throws -> String {
            guard let x = v[k] else { throw ShardError.invalid("\(file): no '\(k)' column (not a \(kind) scores.csv)") }
            return x
        }
        func number(_ k: String) throws -> Double? {
            let x = try need(k)
            if x.isEmpty { return nil }
            guard let d = Double(x) else { throw ShardError.invalid("\(file) row \(row): \(k) '\(x)' is not a number") }
            return d
        }
        let block = kind == "robustness" ? "\(try need("perturbation")) \(try need("level"))" : try need("preprocessing")
        guard let label = Int(try need("label")), label == 0 || label == 1 else {
            throw ShardError.invalid("\(file) row \(row): label '\(v["label"] ?? "")' is not 0 or 1")
        }
        let className = v["class"].flatMap { $0.isEmpty ? nil : $0 }
        let format = v["format"].flatMap { $0.isEmpty ? nil : $0 }
        let error = try need("error")
        let image = Evaluation.ScoredImage(
            path: try need("path"), label: label, setName: try need("set"), className: className,
            format: format, probability: try number("probability"), logit: try number("logit"),
            error: error.isEmpty ? nil : error)
        return (block, image)
    }

    /// The fields of one CSV record (RFC 4180 quoting).
    static func csvFields(_ record: Substring) -> [String] {
        var fields: [String] = []
        var field = "", quoted = false, wasQuote = false
        for c in record {
            if quoted {
                if c == "\"" { quoted = false; wasQuote = true } else { field.append(c) }
            } else if c == "\"" {
                if wasQuote { field.append("\"") }
                quoted = true
                wasQuote = false
            } else if c == "," {
                fields.append(field); field = ""; wasQuote = false
            } else {
                field.append(c); wasQuote = false
            }
        }
        fields.append(field)
        return fields
    }
}

extension ScoringShardManifest {
    /// The robustness levels as the blocks name them (`blur 1`, `jpeg 96`...).
    public static func blockName(_ perturbation: Perturbation, _ level: Double) -> String {
        "\(perturbation.rawValue) \(perturbation.format(level))"
    }
}

extension ShardedScoring.Merged {
    /// eval: the report an unsharded run over the same sets writes.
    public func evalReport() throws -> EvalReport {
        guard manifest.kind == "eval", let crops = manifest.crops, crops.count == manifest.blocks.count else {
            throw ShardError.invalid("merge: these are \(manifest.kind) shards, not eval shards")
        }
        var results: [Evaluation.SetResult] = []
        var all: [(preprocessing: String, images: [Evaluation.ScoredImage])] = []
        for (b, crop) in crops.enumerated() {
            let pre = TestTimePreprocessing(crop: crop)
            guard pre.description == manifest.blocks[b] else {
                throw ShardError.invalid("merge: block \(b) is '\(manifest.blocks[b])' but its crop says '\(pre.description)'")
            }
            for (s, set) in manifest.sets.enumerated() {
                results.append(Evaluation.summarize(scores[b][s], set: set.name, preprocessing: pre, threshold: manifest.threshold))
            }
            all.append((pre.description, scores[b].flatMap { $0 }))
        }
        return EvalReport(results: results, scores: all, threshold: manifest.threshold)
    }

    /// robustness: the sweep's result as an unsharded run reports it.
    public func robustnessResult() throws -> RobustnessResult {
        guard manifest.kind == "robustness", let settings = manifest.robustness else {
            throw ShardError.invalid("merge: these are \(manifest.kind) shards, not robustness shards")
        }
        let names = settings.levels.map { ScoringShardManifest.blockName($0.0, $0.1) }
        guard names == manifest.blocks else { throw ShardError.invalid("merge: the blocks do not match the sweep's levels") }
        let sets = manifest.sets.enumerated().map { i, entry in
            ImageSet(
                name: entry.name, root: entry.root, classes: [],
                images: (scores.first?[i] ?? []).map { LabeledImage(path: $0.path, label: $0.label, setName: entry.name, className: $0.className) })
        }
        let perSet = sets.indices.map { s in manifest.blocks.indices.map { l in scores[l][s] } }
        return RobustnessEvaluation.assemble(sets: sets, settings: settings, perSet: perSet, warnings: warnings)
    }
}
