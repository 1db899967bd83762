/// Errors that stop a `cnnspot synth` run (a bad photo does not: it is reported and skipped).
public enum SynthError: Error, CustomStringConvertible {
    case invalidOption(String)
    case outputNotEmpty(String)
    case resumeMismatch(String, detail: String)
    case io(path: String, problem: String)
    case family(String, String)

    public var description: String {
        switch self {
        case .invalidOption(let m): return m
        case .outputNotEmpty(let p):
            return "\(p) exists and is not empty: give --resume to continue the run that made it, or --force to start over"
        case .resumeMismatch(let p, let d): return "cannot resume \(p): \(d)"
        case .io(let p, let m): return "\(p): \(m)"
        case .family(let f, let m): return "family \(f): \(m)"
        }
    }
}
