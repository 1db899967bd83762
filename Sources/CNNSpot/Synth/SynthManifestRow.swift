/// One row of `MANIFEST.csv`: one written file (a real patch or its fake).
struct SynthManifestRow: Equatable, Sendable {
    static let columns = [
        "split", "family", "label", "file", "source", "source_sha256", "photo_size", "scale",
        "crop_box", "jpeg", "generator_settings", "seed"
    ]

    var split: String
    var family: String
    /// `0_real` or `1_fake`.
    var label: String
    /// Path under the output folder: `<split>/<family>/<label>/<name>.png`.
    var file: String
    /// The source photo as it was given (after input expansion).
    var source: String
    var sourceSHA256: String
    /// `WxH` after EXIF orientation, before scaling.
    var photoSize: String
    /// `1.0` or `0.5`.
    var scale: String
    /// `left top right bottom` in the scaled photo (Pillow's crop box, as MiniSynths v1).
    var cropBox: String
    /// JPEG history and what `--jpeg-align` did (see README).
    var jpeg: String
    /// The family's `settings(forSeed:)` for a fake; empty for a real.
    var generatorSettings: String
    /// The family's seed for a fake; empty for a real.
    var seed: String

    var fields: [String] {
        [split, family, label, file, source, sourceSHA256, photoSize, scale, cropBox, jpeg, generatorSettings, seed]
    }

    var csvLine: String { fields.map(SynthManifestRow.quote).joined(separator: ",") + "\n" }

    init(
        split: String, family: String, label: String, file: String, source: String, sourceSHA256: String,
        photoSize: String, scale: String, cropBox: String, jpeg: String, generatorSettings: String, seed: String
    ) {
        self.split = split; self.family = family; self.label = label; self.file = file; self.source = source
        self.sourceSHA256 = sourceSHA256; self.photoSize = photoSize; self.scale = scale; self.cropBox = cropBox
        self.jpeg = jpeg; self.generatorSettings = generatorSettings; self.seed = seed
    }

    init?(fields f: [String]) {
        guard f.count == SynthManifestRow.columns.count else { return nil }
        self.init(
            split: f[0], family: f[1], label: f[2], file: f[3], source: f[4], sourceSHA256: f[5], photoSize: f[6],
            scale: f[7], cropBox: f[8], jpeg: f[9], generatorSettings: f[10], seed: f[11])
    }

    /// RFC 4180: fields holding a comma, quote, CR or LF are quoted, quotes doubled.
    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Parses complete lines of CSV text (a last line without its newline is dropped: a run
    /// killed mid-append leaves at most that).
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = Substring(text)
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" || c == "\r\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else if c != "\r" {
                field.append(c)
            }
        }
        return rows
    }
}
