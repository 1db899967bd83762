import Foundation

/// Everything that can go wrong reading or writing a checkpoint. Each case names the file part,
/// key, opcode or global involved, so a user can tell what is wrong with which file.
public enum CheckpointError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The file could not be opened or read.
    case io(path: String, reason: String)
    /// The file is larger than the configured limit (`CheckpointLimits.maxFileBytes`).
    case fileTooLarge(path: String, bytes: Int, limit: Int)
    /// The first bytes match none of: zip (PK\u{3}\u{4}), legacy torch pickle, safetensors.
    case unknownFormat(String)
    /// The pickle stream is malformed (truncated, stack underflow, bad memo index, ...).
    case malformedPickle(offset: Int, reason: String)
    /// An opcode this interpreter refuses (e.g. INST, OBJ, EXT1) or does not know.
    case unsupportedOpcode(name: String, offset: Int)
    /// A global outside the fixed allow-list (e.g. `os.system`, `builtins.eval`).
    case forbiddenGlobal(String)
    /// A call (REDUCE/BUILD) on something that is not an allowed callable, or with wrong arguments.
    case badCall(callee: String, reason: String)
    /// A pickle limit was exceeded (stack size, memo size, nesting depth, string length).
    case limitExceeded(String)
    /// The torch zip archive lacks a record or has a malformed one.
    case badArchive(String)
    /// The legacy torch format is malformed (magic, protocol, storage table).
    case badLegacyFormat(String)
    /// A storage's bytes are missing, of the wrong size, or declared larger than the file.
    case badStorage(key: String, reason: String)
    /// A tensor (named by its dotted key) reaches outside its storage or has a bad shape/stride.
    case badTensor(key: String, reason: String)
    /// The safetensors header or data is invalid.
    case badSafeTensors(String)
    /// The checkpoint does not hold what was asked for (no state dict, no optimizer, ...).
    case missing(String)
    /// A value has another type than expected (e.g. `total_steps` is a string).
    case typeMismatch(key: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .io(path, reason): return "cannot read '\(path)': \(reason)"
        case let .fileTooLarge(path, bytes, limit):
            return "'\(path)' is \(bytes) bytes, above the limit of \(limit) bytes"
        case let .unknownFormat(what): return "unknown checkpoint format: \(what)"
        case let .malformedPickle(offset, reason): return "malformed pickle at byte \(offset): \(reason)"
        case let .unsupportedOpcode(name, offset):
            return "pickle opcode \(name) at byte \(offset) is not supported (refused, nothing executed)"
        case let .forbiddenGlobal(name):
            return "pickle refers to global '\(name)', which is not on the allow-list (refused, nothing executed)"
        case let .badCall(callee, reason): return "bad call of \(callee): \(reason)"
        case let .limitExceeded(what): return "limit exceeded: \(what)"
        case let .badArchive(what): return "bad torch zip archive: \(what)"
        case let .badLegacyFormat(what): return "bad legacy torch file: \(what)"
        case let .badStorage(key, reason): return "storage '\(key)': \(reason)"
        case let .badTensor(key, reason): return "tensor '\(key)': \(reason)"
        case let .badSafeTensors(what): return "bad safetensors file: \(what)"
        case let .missing(what): return "checkpoint has no \(what)"
        case let .typeMismatch(key, expected, found): return "'\(key)': expected \(expected), found \(found)"
        }
    }

    public var errorDescription: String? { description }
}
