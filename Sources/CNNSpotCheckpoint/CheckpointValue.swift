import Foundation

/// The object stored in a checkpoint, as inert data: what `torch.load` would return, with
/// tensors as `CheckpointTensor` and OrderedDicts as ordered `CheckpointDict`s.
public indirect enum CheckpointValue: Sendable {
    case none
    case bool(Bool)
    case int(Int64)
    /// An integer beyond 64 bits: little-endian two's complement bytes.
    case bigInt([UInt8])
    case double(Double)
    case string(String)
    case bytes(Data)
    /// Lists, tuples, sets and `torch.Size` alike.
    case list([CheckpointValue])
    case dict(CheckpointDict)
    case tensor(CheckpointTensor)

    /// Python-ish type name for messages and `cnnspot info`.
    public var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .double: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .list: return "list"
        case .dict: return "dict"
        case .tensor: return "tensor"
        }
    }

    public var dict: CheckpointDict? { if case let .dict(d) = self { return d } else { return nil } }
    public var tensor: CheckpointTensor? { if case let .tensor(t) = self { return t } else { return nil } }
    public var list: [CheckpointValue]? { if case let .list(l) = self { return l } else { return nil } }
    public var string: String? { if case let .string(s) = self { return s } else { return nil } }

    /// An integer, or a float/0-d tensor holding an integral value (torch 2.x stores Adam's `step`
    /// as a float tensor).
    public var intValue: Int64? {
        switch self {
        case let .int(i): return i
        case let .bool(b): return b ? 1 : 0
        case let .double(d): return d.rounded() == d && abs(d) < 9.2e18 ? Int64(d) : nil
        case let .tensor(t):
            guard t.count == 1, let v = try? t.floatValues().first, v.rounded() == v, abs(v) < 9.2e18 else { return nil }
            return Int64(v)
        default: return nil
        }
    }

    /// A number (int, float, bool, or a one-element tensor) as Double.
    public var doubleValue: Double? {
        switch self {
        case let .int(i): return Double(i)
        case let .double(d): return d
        case let .bool(b): return b ? 1 : 0
        case let .tensor(t):
            guard t.count == 1, let v = try? t.floatValues().first else { return nil }
            return Double(v)
        default: return nil
        }
    }
}

/// A dict key: pickled dicts use strings (state dicts) and ints (optimizer `state`).
public enum CheckpointKey: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    case int(Int64)
    /// Any other key (tuples, floats, ...), kept by its description.
    case other(String)

    public var description: String {
        switch self {
        case let .string(s): return s
        case let .int(i): return String(i)
        case let .other(s): return s
        }
    }
}

/// An insertion-ordered dict (Python dicts and OrderedDicts keep insertion order).
public struct CheckpointDict: Sendable {
    public private(set) var entries: [(key: CheckpointKey, value: CheckpointValue)] = []
    private var index: [CheckpointKey: Int] = [:]

    public init() {}

    public var count: Int { entries.count }
    public var keys: [CheckpointKey] { entries.map(\.key) }

    /// Inserts or replaces (a replaced key keeps its first position, as in Python).
    public mutating func set(_ key: CheckpointKey, _ value: CheckpointValue) {
        if let i = index[key] {
            entries[i].value = value
        } else {
            index[key] = entries.count
            entries.append((key, value))
        }
    }

    public subscript(key: CheckpointKey) -> CheckpointValue? {
        index[key].map { entries[$0].value }
    }

    public subscript(key: String) -> CheckpointValue? { self[.string(key)] }
}
