import Foundation

/// Writes the safetensors format (see `SafeTensorsReader`): the JSON header lists
/// `__metadata__` first, then the tensors in the order given; it is padded with spaces so the
/// data buffer starts at a multiple of 8. Tensors are laid out by element size, largest first
/// (stable), so every tensor starts at a multiple of its element size, as the reference writer does.
public enum SafeTensorsWriter {
    /// How floating-point tensors are stored. Integer and bool tensors are always kept as they are.
    public enum FloatStorage: Sendable {
        /// Every floating tensor as F32 (float64 rounds, float16/bfloat16 widen exactly).
        case float32
        /// Every floating tensor as F16 (round to nearest even).
        case float16
        /// Each tensor in its own dtype.
        case keep
    }

    /// The encoded file. Tensor names must be unique; metadata is a string -> string map.
    public static func encode(
        _ tensors: [(key: String, tensor: CheckpointTensor)], metadata: [String: String] = [:],
        floats: FloatStorage = .float32
    ) throws -> Data {
        var seen = Set<String>()
        for (key, _) in tensors {
            guard !key.isEmpty, key != "__metadata__", seen.insert(key).inserted else {
                throw CheckpointError.badSafeTensors("tensor name '\(key)' is empty, reserved or repeated")
            }
        }
        var converted: [(key: String, dtype: TensorDType, shape: [Int], bytes: Data)] = []
        for (key, t) in tensors {
            let target: TensorDType
            switch floats {
            case .float32: target = t.dtype.isFloatingPoint ? .float32 : t.dtype
            case .float16: target = t.dtype.isFloatingPoint ? .float16 : t.dtype
            case .keep: target = t.dtype
            }
            let bytes: Data
            do {
                bytes = target == t.dtype ? try t.contiguousBytes() : try encodeFloats(try t.floatValues(), as: target)
            } catch CheckpointError.badTensor(_, let reason) {
                throw CheckpointError.badTensor(key: key, reason: reason)
            }
            converted.append((key, target, t.shape, bytes))
        }
        let layout = converted.indices.sorted {
            let (a, b) = (converted[$0].dtype.byteSize, converted[$1].dtype.byteSize)
            return a != b ? a > b : $0 < $1
        }
        var offsets = [(Int, Int)](repeating: (0, 0), count: converted.count)
        var position = 0
        for i in layout {
            offsets[i] = (position, position + converted[i].bytes.count)
            position += converted[i].bytes.count
        }

        var json = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(JSONText.quoted($0)):\(JSONText.quoted(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        for (i, c) in converted.enumerated() {
            fields.append(
                "\(JSONText.quoted(c.key)):{\"dtype\":\"\(c.dtype.safeTensorsName)\",\"shape\":[\(c.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offsets[i].0),\(offsets[i].1)]}"
            )
        }
        json += fields.joined(separator: ",") + "}"
        var header = Data(json.utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }

        var out = Data(capacity: 8 + header.count + position)
        var length = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(header)
        for i in layout { out.append(converted[i].bytes) }
        return out
    }

    /// Encodes and writes atomically to `path`.
    public static func write(
        _ tensors: [(key: String, tensor: CheckpointTensor)], metadata: [String: String] = [:],
        floats: FloatStorage = .float32, to path: String
    ) throws {
        let data = try encode(tensors, metadata: metadata, floats: floats)
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw CheckpointError.io(path: path, reason: error.localizedDescription)
        }
    }

    static func encodeFloats(_ values: [Float], as dtype: TensorDType) throws -> Data {
        switch dtype {
        case .float32:
            var out = Data(count: values.count * 4)
            out.withUnsafeMutableBytes { raw in
                for (i, v) in values.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
            }
            return out
        case .float16:
            var out = Data(count: values.count * 2)
            out.withUnsafeMutableBytes { raw in
                for (i, v) in values.enumerated() {
                    raw.storeBytes(of: HalfConversion.half(fromFloat: v).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                }
            }
            return out
        default:
            throw CheckpointError.badSafeTensors("cannot convert floats to \(dtype.rawValue)")
        }
    }

}
