import Foundation

extension PickleMachine {
    /// Converts a machine value into the public, value-typed tree. Depth is limited, so cyclic
    /// (self-containing) and absurdly deep structures are refused instead of recursing forever.
    /// Shared references are expanded, so the number of values produced is also limited
    /// (`maxContainers` x 4): a "billion laughs" pickle (each list holding the previous one twice)
    /// is refused instead of growing exponentially.
    func convert(_ v: PickleValue, depth: Int = 0) throws -> CheckpointValue {
        guard depth <= limits.maxDepth else {
            throw CheckpointError.limitExceeded("object nesting deeper than \(limits.maxDepth) (or a cyclic structure)")
        }
        convertedValues += 1
        guard convertedValues <= limits.maxContainers * 4 else {
            throw CheckpointError.limitExceeded("the object expands to more than \(limits.maxContainers * 4) values (shared references)")
        }
        switch v {
        case .none: return .none
        case let .bool(b): return .bool(b)
        case let .int(i): return .int(i)
        case let .bigInt(b): return .bigInt(b)
        case let .float(d): return .double(d)
        case let .string(s): return .string(s)
        case let .bytes(b): return .bytes(b)
        case let .tuple(c), let .list(c):
            return .list(try c.items.map { try convert($0, depth: depth + 1) })
        case let .dict(c):
            var d = CheckpointDict()
            for (k, value) in zip(c.keys, c.items) {
                d.set(try convertKey(k), try convert(value, depth: depth + 1))
            }
            return .dict(d)
        case let .global(g):
            throw CheckpointError.badCall(callee: g.qualifiedName, reason: "a bare global cannot be part of the loaded object")
        case .storage:
            throw CheckpointError.malformedPickle(offset: position, reason: "a bare storage (not wrapped in a tensor) is not supported")
        case let .tensor(t): return .tensor(t)
        }
    }

    private func convertKey(_ k: PickleValue) throws -> CheckpointKey {
        switch k {
        case let .string(s): return .string(s)
        case let .int(i): return .int(i)
        case let .bool(b): return .int(b ? 1 : 0)
        case let .float(d): return .other(String(d))
        case .none: return .other("None")
        default: return .other(k.typeName)
        }
    }
}
