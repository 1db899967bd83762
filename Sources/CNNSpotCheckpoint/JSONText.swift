import Foundation

/// All JSON the project writes: pieces written by hand where an encoder would not do (the
/// safetensors header, with its exact key order and layout, and the streaming per-image output
/// of `cnnspot detect`), and the one encoder configuration every file, model metadata and API
/// answer uses: sorted keys (stable, diffable) and `/` left as it is (Foundation escapes it as
/// `\/` by default, which is valid JSON but unreadable in paths).
public enum JSONText {
    /// A `JSONEncoder` with the project's settings; `pretty` for files people read.
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// `JSONSerialization` of a property-list object with the same settings.
    public static func data(_ object: Any, pretty: Bool = false) throws -> Data {
        try JSONSerialization.data(
            withJSONObject: object,
            options: pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes])
    }

    /// A JSON string literal with the escapes RFC 8259 requires.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += "\\u00" + (u.value < 0x10 ? "0" : "") + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
