import Foundation

/// A pickle interpreter (protocols 0-5 for the opcodes PyTorch checkpoints use) that only builds
/// inert values. Globals are resolved against `AllowedGlobal`'s fixed allow-list; calls (REDUCE)
/// are limited to rebuilding OrderedDicts, tensors and parameters; persistent ids go to a hook
/// supplied by the container format (zip or legacy). All reads are bounds-checked; stack, memo
/// and nesting are limited (`CheckpointLimits`). Opcodes that could construct arbitrary objects
/// (INST, OBJ, NEWOBJ, EXT*, buffers) are refused by name.
///
/// Semantics follow CPython's `pickle.py` `_Unpickler` (the reference for each opcode).
final class PickleMachine {
    typealias PersistentLoad = (PickleValue) throws -> PickleValue

    let data: Data
    var position: Int
    let end: Int
    let limits: CheckpointLimits
    let persistentLoad: PersistentLoad
    var stack: [PickleValue] = []
    var marks: [Int] = []
    var memo: [Int: PickleValue] = [:]
    private(set) var containers: [PickleContainer] = []
    /// Values produced so far by `convert` (bounded, see there).
    var convertedValues = 0

    /// Interprets `data[offset...]` (offset relative to the start of `data`) up to its STOP.
    init(data: Data, offset: Int = 0, limits: CheckpointLimits, persistentLoad: @escaping PersistentLoad) {
        self.data = data
        self.position = offset
        self.end = min(data.count, offset + limits.maxPickleBytes)
        self.limits = limits
        self.persistentLoad = persistentLoad
    }

    deinit { releaseContainers() }

    /// Empties every container this machine created, iteratively, so that deeply nested or cyclic
    /// structures are released without recursion. Call once the result has been converted.
    func releaseContainers() {
        for c in containers {
            c.items.removeAll()
            c.keys.removeAll()
        }
        containers.removeAll()
        stack.removeAll()
        memo.removeAll()
    }

    func makeContainer(items: [PickleValue] = []) throws -> PickleContainer {
        guard containers.count < limits.maxContainers else {
            throw CheckpointError.limitExceeded("pickle creates more than \(limits.maxContainers) tuples/lists/dicts")
        }
        let c = PickleContainer(items: items)
        containers.append(c)
        return c
    }

    /// Runs until STOP and returns the pickled object; `position` is then just past the STOP.
    func run() throws -> PickleValue {
        while true {
            let opOffset = position
            let op = try readByte()
            if op == 0x2e {  // STOP
                return try pop()
            }
            try execute(op, at: opOffset)
            if stack.count > limits.maxStackSize {
                throw CheckpointError.limitExceeded("pickle stack above \(limits.maxStackSize) values")
            }
        }
    }

    // MARK: stack helpers

    func fail(_ reason: String) -> CheckpointError {
        .malformedPickle(offset: position, reason: reason)
    }

    func push(_ v: PickleValue) { stack.append(v) }

    func pop() throws -> PickleValue {
        guard let v = stack.popLast() else { throw fail("stack underflow") }
        if let m = marks.last, stack.count < m { throw fail("value popped across a MARK") }
        return v
    }

    func top() throws -> PickleValue {
        guard let v = stack.last else { throw fail("stack underflow") }
        return v
    }

    /// Pops everything above the most recent MARK (CPython `pop_mark`).
    func popMark() throws -> [PickleValue] {
        guard let m = marks.popLast() else { throw fail("no MARK on the stack") }
        guard m <= stack.count else { throw fail("MARK above the stack top") }
        let items = Array(stack[m...])
        stack.removeSubrange(m...)
        return items
    }

    func memoPut(_ index: Int) throws {
        guard index >= 0 else { throw fail("negative memo index \(index)") }
        if memo[index] == nil, memo.count >= limits.maxMemoSize {
            throw CheckpointError.limitExceeded("pickle memo above \(limits.maxMemoSize) entries")
        }
        memo[index] = try top()
    }

    func memoGet(_ index: Int) throws {
        guard let v = memo[index] else { throw fail("memo index \(index) was never stored") }
        push(v)
    }
}
