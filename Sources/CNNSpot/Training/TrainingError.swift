/// Why a training run cannot start or go on. Each case names the option, file or key.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case badOption(String)
    case noData(String)
    case badCheckpoint(file: String, problem: String)
    case io(path: String, problem: String)

    public var description: String {
        switch self {
        case .badOption(let m): return m
        case .noData(let m): return m
        case .badCheckpoint(let file, let problem): return "\(file): \(problem)"
        case .io(let path, let problem): return "\(path): \(problem)"
        }
    }
}
