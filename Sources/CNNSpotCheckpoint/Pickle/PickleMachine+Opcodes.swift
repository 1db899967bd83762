import Foundation

extension PickleMachine {
    /// Executes one opcode (everything except STOP). Semantics: CPython `pickle._Unpickler`.
    func execute(_ op: UInt8, at offset: Int) throws {
        switch op {
        case 0x80:  // PROTO
            let version = try readByte()
            guard version <= 5 else { throw fail("unsupported pickle protocol \(version)") }
        case 0x95:  // FRAME: an 8-byte frame length; frames are only a buffering hint.
            let n = try readLength(8)
            guard n <= remaining else { throw fail("frame of \(n) bytes exceeds the \(remaining) bytes left") }
        case 0x28:  // MARK
            guard marks.count < limits.maxDepth * 10 else {
                throw CheckpointError.limitExceeded("pickle MARK nesting deeper than \(limits.maxDepth * 10)")
            }
            marks.append(stack.count)
        case 0x30: _ = try pop()  // POP
        case 0x31: _ = try popMark()  // POP_MARK
        case 0x32: push(try top())  // DUP

        // Scalars
        case 0x4e: push(.none)
        case 0x88: push(.bool(true))
        case 0x89: push(.bool(false))
        case 0x4b: push(.int(Int64(try readUInt(1))))  // BININT1
        case 0x4d: push(.int(Int64(try readUInt(2))))  // BININT2
        case 0x4a: push(.int(Int64(Int32(bitPattern: UInt32(try readUInt(4))))))  // BININT
        case 0x8a: push(decodeLong(try readBytes(try readLength(1))))  // LONG1
        case 0x8b:  // LONG4
            let n = Int(Int32(bitPattern: UInt32(try readUInt(4))))
            guard n >= 0 else { throw fail("negative LONG4 length") }
            push(decodeLong(try readBytes(n)))
        case 0x47: push(.float(Double(bitPattern: UInt64(bigEndian: try readUInt(8)))))  // BINFLOAT (big-endian)
        case 0x49:  // INT (text); "00"/"01" are the protocol-0 booleans
            let line = try readLine()
            if line == "00" {
                push(.bool(false))
            } else if line == "01" {
                push(.bool(true))
            } else {
                guard let v = Int64(line) else { throw fail("bad INT literal") }
                push(.int(v))
            }
        case 0x4c:  // LONG (text)
            var line = try readLine()
            if line.hasSuffix("L") { line.removeLast() }
            guard let v = Int64(line) else { throw fail("LONG literal out of 64-bit range") }
            push(.int(v))
        case 0x46:  // FLOAT (text)
            guard let v = Double(try readLine()) else { throw fail("bad FLOAT literal") }
            push(.float(v))

        // Strings and bytes
        case 0x58: push(.string(try readUTF8(try readLength(4))))  // BINUNICODE
        case 0x8c: push(.string(try readUTF8(try readLength(1))))  // SHORT_BINUNICODE
        case 0x8d: push(.string(try readUTF8(try readLength(8))))  // BINUNICODE8
        case 0x54, 0x55:  // BINSTRING / SHORT_BINSTRING (Python 2 str): decoded as UTF-8, else Latin-1
            let bytes = try readBytes(try readLength(op == 0x54 ? 4 : 1))
            push(.string(String(data: bytes, encoding: .utf8) ?? String(decoding: bytes.map { UInt16($0) }, as: UTF16.self)))
        case 0x42: push(.bytes(try readBytes(try readLength(4))))  // BINBYTES
        case 0x43: push(.bytes(try readBytes(try readLength(1))))  // SHORT_BINBYTES
        case 0x8e, 0x96: push(.bytes(try readBytes(try readLength(8))))  // BINBYTES8, BYTEARRAY8

        // Containers
        case 0x29: push(.tuple(try makeContainer()))  // EMPTY_TUPLE
        case 0x74: push(.tuple(try makeContainer(items: try popMark())))  // TUPLE
        case 0x85, 0x86, 0x87:  // TUPLE1..3
            let n = Int(op - 0x84)
            guard stack.count >= n, stack.count - n >= (marks.last ?? 0) else { throw fail("stack underflow in TUPLE\(n)") }
            let items = Array(stack.suffix(n))
            stack.removeLast(n)
            push(.tuple(try makeContainer(items: items)))
        case 0x5d: push(.list(try makeContainer()))  // EMPTY_LIST
        case 0x6c: push(.list(try makeContainer(items: try popMark())))  // LIST
        case 0x61:  // APPEND
            let v = try pop()
            try listTarget(try top(), op: "APPEND").items.append(v)
        case 0x65:  // APPENDS
            let items = try popMark()
            try listTarget(try top(), op: "APPENDS").items.append(contentsOf: items)
        case 0x8f: push(.list(try makeContainer()))  // EMPTY_SET: sets become lists
        case 0x90:  // ADDITEMS
            let items = try popMark()
            try listTarget(try top(), op: "ADDITEMS").items.append(contentsOf: items)
        case 0x91: push(.list(try makeContainer(items: try popMark())))  // FROZENSET
        case 0x7d: push(.dict(try makeContainer()))  // EMPTY_DICT
        case 0x64:  // DICT
            let items = try popMark()
            let d = try makeContainer()
            try setItems(d, items)
            push(.dict(d))
        case 0x73:  // SETITEM
            let value = try pop(), key = try pop()
            try setItems(try dictTarget(try top(), op: "SETITEM"), [key, value])
        case 0x75:  // SETITEMS
            let items = try popMark()
            try setItems(try dictTarget(try top(), op: "SETITEMS"), items)

        // Memo
        case 0x71: try memoPut(Int(try readUInt(1)))  // BINPUT
        case 0x72: try memoPut(Int(try readUInt(4)))  // LONG_BINPUT
        case 0x94: try memoPut(memo.count)  // MEMOIZE
        case 0x70:  // PUT (text)
            guard let i = Int(try readLine()) else { throw fail("bad PUT index") }
            try memoPut(i)
        case 0x68: try memoGet(Int(try readUInt(1)))  // BINGET
        case 0x6a: try memoGet(Int(try readUInt(4)))  // LONG_BINGET
        case 0x67:  // GET (text)
            guard let i = Int(try readLine()) else { throw fail("bad GET index") }
            try memoGet(i)

        // Globals, calls, persistent ids
        case 0x63:  // GLOBAL "module\nname\n"
            let module = try readLine(), name = try readLine()
            push(.global(try AllowedGlobal.resolve(module: module, name: name)))
        case 0x93:  // STACK_GLOBAL
            let name = try pop(), module = try pop()
            guard case let .string(n) = name, case let .string(m) = module else { throw fail("STACK_GLOBAL needs two strings") }
            push(.global(try AllowedGlobal.resolve(module: m, name: n)))
        case 0x52:  // REDUCE
            let args = try pop(), callable = try pop()
            push(try reduce(callable, args))
        case 0x62:  // BUILD
            let state = try pop()
            try build(try top(), state: state)
        case 0x51:  // BINPERSID
            push(try persistentLoad(try pop()))

        default:
            throw CheckpointError.unsupportedOpcode(name: PickleOpcode.name(op), offset: offset)
        }
    }

    private func listTarget(_ v: PickleValue, op: String) throws -> PickleContainer {
        guard case let .list(c) = v else { throw fail("\(op) on a \(v.typeName), not a list") }
        return c
    }

    private func dictTarget(_ v: PickleValue, op: String) throws -> PickleContainer {
        guard case let .dict(c) = v else { throw fail("\(op) on a \(v.typeName), not a dict") }
        return c
    }

    /// Alternating key, value items appended in order (a repeated key is resolved when the
    /// result is converted: the last value wins, as in Python).
    private func setItems(_ d: PickleContainer, _ items: [PickleValue]) throws {
        guard items.count % 2 == 0 else { throw fail("odd number of dict items") }
        for i in stride(from: 0, to: items.count, by: 2) {
            d.keys.append(items[i])
            d.items.append(items[i + 1])
        }
    }
}
