// libFuzzer harness for checkpoint tensor views (issue 13 row 2): arbitrary dtype, shape,
// strides (0, negative, huge), storage offset and storage size are built straight into a
// `CheckpointTensor`, then `validate` must either refuse the view or accept one whose
// materialised bytes fit its storage, and `contiguousBytes()` must equal a naive gather that
// computes every element's storage index from its multi-index. Any allocation above
// -malloc_limit_mb is a finding. Build and run: see fuzz/README.md.
import Foundation

private struct Bytes {
    var data: [UInt8]
    var i = 0
    mutating func u8() -> UInt8 { defer { i += 1 }; return i < data.count ? data[i] : 0 }
    /// Small values mostly, sometimes a full 64-bit pattern (forged sizes and strides).
    mutating func int() -> Int {
        let tag = u8()
        switch tag % 4 {
        case 0: return Int(u8() % 8)
        case 1: return Int(u8()) - 16
        case 2: return Int(UInt16(u8()) << 8 | UInt16(u8()))
        default:
            var v: UInt64 = 0
            for _ in 0..<8 { v = v << 8 | UInt64(u8()) }
            return Int(truncatingIfNeeded: v)
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTensorView(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var b = Bytes(data: Array(UnsafeRawBufferPointer(start: start, count: count)))
    let dtypes = TensorDType.allCases
    let dtype = dtypes[Int(b.u8()) % dtypes.count]
    let rank = Int(b.u8() % 5)
    let shape = (0..<rank).map { _ in b.int() }
    let strides = (0..<rank).map { _ in b.int() }
    let offset = b.int()
    let storageBytes = Int(b.u8()) * 16 + Int(b.u8() % 16)
    var raw = Data(count: storageBytes)
    for k in 0..<storageBytes { raw[k] = UInt8(truncatingIfNeeded: k &* 31 &+ 7) }
    let storage = TensorStorage(key: "s", declaredByteCount: storageBytes, bytes: raw)
    let t = CheckpointTensor(dtype: dtype, shape: shape, strides: strides, storageOffset: offset, storage: storage)
    do { try t.validate(key: "t") } catch { return 0 }
    let size = dtype.byteSize
    precondition(t.count * size <= storageBytes, "accepted view materialises more than its storage")
    let got: Data
    do { got = try t.contiguousBytes() } catch { fatalError("validated view failed to materialise: \(error)") }
    precondition(got.count == t.count * size)
    // Naive reference: element n's multi-index by repeated division, then its storage index.
    var expected = Data(count: t.count * size)
    for n in 0..<t.count {
        var rest = n, index = offset
        for d in stride(from: rank - 1, through: 0, by: -1) {
            index += (rest % shape[d]) * strides[d]
            rest /= shape[d]
        }
        for k in 0..<size { expected[n * size + k] = raw[index * size + k] }
    }
    precondition(got == expected, "gathered bytes differ from the naive reference")
    _ = try? t.floatValues()
    return 0
}
