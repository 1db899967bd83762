import Foundation

extension CheckpointTensor {
    /// The elements in row-major order as little-endian bytes of `dtype` (`count * dtype.byteSize` bytes).
    /// Contiguous tensors are a slice copy; views are gathered element by element.
    public func contiguousBytes() throws -> Data {
        try validate(key: storage.key)
        // An empty view may carry any offset (validate does not bound it): nothing to read.
        guard let bytes = storage.bytes, count > 0 else { return Data() }
        let size = dtype.byteSize
        let start = bytes.startIndex + storageByteOffset + storageOffset * size
        if isContiguous {
            return Data(bytes[start..<start + count * size])
        }
        var out = Data(count: count * size)
        let shape = self.shape, strides = self.strides
        bytes.withUnsafeBytes { (src: UnsafeRawBufferPointer) in
            out.withUnsafeMutableBytes { (dst: UnsafeMutableRawBufferPointer) in
                let base = storageByteOffset + storageOffset * size
                var index = [Int](repeating: 0, count: shape.count)
                var offset = 0
                for i in 0..<count {
                    let from = base + offset * size
                    dst.baseAddress!.advanced(by: i * size).copyMemory(from: src.baseAddress!.advanced(by: from), byteCount: size)
                    // Odometer increment over the multi-index, updating the element offset.
                    var d = shape.count - 1
                    while d >= 0 {
                        index[d] += 1
                        offset += strides[d]
                        if index[d] < shape[d] { break }
                        offset -= strides[d] * index[d]
                        index[d] = 0
                        d -= 1
                    }
                }
            }
        }
        return out
    }

    /// The elements converted to Float in row-major order (`count` values). Floating types widen or
    /// round (float64); integer and bool types convert numerically.
    public func floatValues() throws -> [Float] {
        let data = try contiguousBytes()
        let n = count
        var out = [Float](repeating: 0, count: n)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            switch dtype {
            case .float32:
                for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .float16:
                for i in 0..<n { out[i] = HalfConversion.float(fromHalf: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            case .bfloat16:
                for i in 0..<n { out[i] = HalfConversion.float(fromBFloat16: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            case .float64:
                for i in 0..<n { out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
            case .int64:
                for i in 0..<n { out[i] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
            case .int32:
                for i in 0..<n { out[i] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
            case .int16:
                for i in 0..<n { out[i] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
            case .int8:
                for i in 0..<n { out[i] = Float(Int8(bitPattern: raw[i])) }
            case .uint8:
                for i in 0..<n { out[i] = Float(raw[i]) }
            case .bool:
                for i in 0..<n { out[i] = raw[i] != 0 ? 1 : 0 }
            }
        }
        return out
    }

    /// The elements as Int64, exactly, for integer and bool dtypes (floating dtypes are refused).
    public func int64Values() throws -> [Int64] {
        let data = try contiguousBytes()
        let n = count
        var out = [Int64](repeating: 0, count: n)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            switch dtype {
            case .int64: for i in 0..<n { out[i] = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)) }
            case .int32: for i in 0..<n { out[i] = Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
            case .int16: for i in 0..<n { out[i] = Int64(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) }
            case .int8: for i in 0..<n { out[i] = Int64(Int8(bitPattern: raw[i])) }
            case .uint8, .bool: for i in 0..<n { out[i] = Int64(raw[i]) }
            default: throw CheckpointError.typeMismatch(key: storage.key, expected: "an integer tensor", found: dtype.rawValue)
            }
        }
        return out
    }
}
