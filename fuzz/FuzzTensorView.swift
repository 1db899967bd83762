// libFuzzer harness for checkpoint tensor views (issue 13 row 2): arbitrary dtype, shape,
// strides (0, negative, huge), storage offset and storage size are built straight into a
// `CheckpointTensor`, then `validate` must either refuse the view or accept one whose
// materialised bytes fit its storage (or the 16 MiB repeated-view limit), and `contiguousBytes()` must equal a naive gather that
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
    // The rule `validate` enforces: a view may repeat elements (stride 0, overlaps), materialising
    // at most max(its storage from the offset on, CheckpointTensor.maxRepeatedViewBytes).
    // (An empty view is accepted with any offset: it materialises nothing, so no arithmetic on it.)
    let (offsetBytes, overflow) = offset.multipliedReportingOverflow(by: size)
    let available = t.count == 0 || overflow ? 0 : max(storageBytes - offsetBytes, 0)
    precondition(t.count * size <= max(available, CheckpointTensor.maxRepeatedViewBytes),
                 "accepted view materialises more than its storage or the repeated-view limit")
    // Materialising a legal view of up to 16 MiB takes minutes under ASan and coverage
    // instrumentation (libFuzzer's -timeout; uninstrumented it is milliseconds): larger views
    // are checked against the limit above and not materialised here (past 256 KiB).
    if t.count * size > 1 << 18 { return 0 }
    let got: Data
    do { got = try t.contiguousBytes() } catch { fatalError("validated view failed to materialise: \(error)") }
    precondition(got.count == t.count * size)
    // Naive reference: element n's multi-index by repeated division, then its storage index.
    // ([UInt8], not Data: Data's per-byte subscript is too slow under ASan for 16 MiB views.)
    let source = [UInt8](raw)
    // (Raw buffers: swift_beginAccess on every element is minutes per 16 MiB view under ASan.)
    var expected = [UInt8](repeating: 0, count: t.count * size)
    let n0 = t.count
    expected.withUnsafeMutableBufferPointer { e in
        source.withUnsafeBufferPointer { src in
            shape.withUnsafeBufferPointer { sh in
                strides.withUnsafeBufferPointer { st in
                    // Views of up to 16 MiB are legal; under coverage instrumentation checking every
                    // element of one takes minutes (libFuzzer's -timeout): past 2^16 elements, a
                    // fixed sample of 4,099 (first, last, evenly spaced) is compared instead.
                    let sample: [Int] = n0 <= 1 << 16 ? Array(0..<n0)
                        : [0, n0 - 1] + (0..<4097).map { $0 * (n0 - 1) / 4096 }
                    for n in sample {
                        var rest = n, index = offset
                        for d in stride(from: rank - 1, through: 0, by: -1) {
                            index += (rest % sh[d]) * st[d]
                            rest /= sh[d]
                        }
                        for k in 0..<size { e[n * size + k] = src[index * size + k] }
                    }
                }
            }
        }
    }
    let gotBytes = [UInt8](got)
    if n0 <= 1 << 16 {
        precondition(gotBytes == expected, "gathered bytes differ from the naive reference")
    } else {
        for n in [0, n0 - 1] + (0..<4097).map({ $0 * (n0 - 1) / 4096 }) {
            precondition(gotBytes[n * size ..< (n + 1) * size] == expected[n * size ..< (n + 1) * size],
                         "gathered element \(n) differs from the naive reference")
        }
    }
    _ = try? t.floatValues()
    return 0
}
