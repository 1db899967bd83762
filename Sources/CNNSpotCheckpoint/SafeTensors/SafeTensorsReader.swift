import Foundation

/// Reads the safetensors format (huggingface/safetensors, docs "Format"): an 8-byte little-endian
/// header length N, N bytes of UTF-8 JSON (`{"name": {"dtype": "F32", "shape": [..],
/// "data_offsets": [begin, end]}, "__metadata__": {string: string}}`, possibly space-padded),
/// then the data buffer. Validated as the reference implementation does: N at most the header
/// limit and inside the file, JSON an object, each tensor's byte size = element count x dtype size,
/// offsets in bounds and, sorted, covering the buffer exactly with no gap and no overlap.
enum SafeTensorsReader {
    struct Result {
        var tensors: [(key: String, tensor: CheckpointTensor)]
        var metadata: [String: String]
    }

    static func sniff(_ prefix: Data) -> Bool {
        // An 8-byte header length followed by the JSON's '{' (the length is validated later,
        // so a forged one gets a precise error instead of "unknown format").
        prefix.count >= 9 && prefix[prefix.startIndex + 8] == UInt8(ascii: "{")
    }

    static func read(_ data: Data, limits: CheckpointLimits) throws -> Result {
        guard data.count >= 8 else { throw CheckpointError.badSafeTensors("file shorter than its 8-byte header length") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(data[data.startIndex + i]) << (8 * UInt64(i)) }
        guard n <= UInt64(limits.maxSafeTensorsHeaderBytes) else {
            throw CheckpointError.badSafeTensors("header length \(n) above the limit of \(limits.maxSafeTensorsHeaderBytes) bytes")
        }
        guard n <= UInt64(data.count - 8) else {
            throw CheckpointError.badSafeTensors("header length \(n) exceeds the file (\(data.count) bytes)")
        }
        let headerBytes = data.subdata(in: data.startIndex + 8..<data.startIndex + 8 + Int(n))
        guard headerBytes.first == UInt8(ascii: "{") else { throw CheckpointError.badSafeTensors("header does not start with '{'") }
        try checkNesting(headerBytes, maxDepth: 8)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: headerBytes) } catch {
            throw CheckpointError.badSafeTensors("header is not valid JSON")
        }
        guard let header = json as? [String: Any] else { throw CheckpointError.badSafeTensors("header is not a JSON object") }
        let bufferStart = data.startIndex + 8 + Int(n)
        let bufferCount = data.count - 8 - Int(n)
        let storage = TensorStorage(
            key: "(safetensors buffer)", declaredByteCount: bufferCount,
            bytes: data[bufferStart..<bufferStart + bufferCount])

        var metadata: [String: String] = [:]
        var entries: [(key: String, tensor: CheckpointTensor, begin: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw CheckpointError.badSafeTensors("__metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else { throw CheckpointError.badSafeTensors("metadata '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let info = value as? [String: Any] else { throw CheckpointError.badSafeTensors("'\(name)' is not an object") }
            guard let dtypeName = info["dtype"] as? String, let dtype = TensorDType(safeTensorsName: dtypeName) else {
                throw CheckpointError.badSafeTensors("'\(name)': missing or unsupported dtype \(String(describing: info["dtype"]))")
            }
            let shape = try integers(info["shape"], name: name, field: "shape")
            let offsets = try integers(info["data_offsets"], name: name, field: "data_offsets")
            guard offsets.count == 2, offsets[0] <= offsets[1], offsets[1] <= bufferCount else {
                throw CheckpointError.badSafeTensors("'\(name)': data_offsets \(offsets) out of bounds of the \(bufferCount)-byte buffer")
            }
            guard let count = CheckpointTensor.elementCount(shape),
                case let (bytes, false) = count.multipliedReportingOverflow(by: dtype.byteSize),
                bytes == offsets[1] - offsets[0]
            else {
                throw CheckpointError.badSafeTensors("'\(name)': shape \(shape) of \(dtypeName) does not match \(offsets[1] - offsets[0]) bytes")
            }
            let tensor = CheckpointTensor(
                dtype: dtype, shape: shape, strides: CheckpointTensor.contiguousStrides(shape),
                storageOffset: 0, storage: storage, storageByteOffset: offsets[0])
            entries.append((name, tensor, offsets[0], offsets[1]))
        }
        entries.sort { ($0.begin, $0.end, $0.key) < ($1.begin, $1.end, $1.key) }
        var expected = 0
        for e in entries {
            guard e.begin == expected else {
                throw CheckpointError.badSafeTensors(
                    e.begin < expected
                        ? "'\(e.key)' overlaps the previous tensor (offset \(e.begin), previous end \(expected))"
                        : "gap before '\(e.key)' (offset \(e.begin), previous end \(expected))")
            }
            expected = e.end
        }
        guard expected == bufferCount else {
            throw CheckpointError.badSafeTensors("tensors cover \(expected) bytes of a \(bufferCount)-byte buffer")
        }
        return Result(tensors: entries.map { ($0.key, $0.tensor) }, metadata: metadata)
    }

    private static func integers(_ v: Any?, name: String, field: String) throws -> [Int] {
        guard let array = v as? [Any], array.count <= 64 else {
            throw CheckpointError.badSafeTensors("'\(name)': \(field) is missing or not a short array")
        }
        return try array.map {
            guard let number = $0 as? NSNumber, number.doubleValue.rounded() == number.doubleValue,
                number.doubleValue >= 0, number.doubleValue < 0x1p53
            else {
                throw CheckpointError.badSafeTensors("'\(name)': \(field) holds a value that is not a non-negative integer")
            }
            return number.intValue
        }
    }

    /// Rejects JSON nested deeper than `maxDepth` before handing it to the JSON parser.
    private static func checkNesting(_ bytes: Data, maxDepth: Int) throws {
        var depth = 0, inString = false, escaped = false
        for b in bytes {
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > maxDepth { throw CheckpointError.badSafeTensors("header JSON nested deeper than \(maxDepth)") }
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
    }
}
