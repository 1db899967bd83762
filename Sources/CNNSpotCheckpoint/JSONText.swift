/// JSON text pieces written by hand where an encoder would not do: the safetensors header
/// (exact key order and layout) and the streaming per-image output of `cnnspot detect`.
public enum JSONText {
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
