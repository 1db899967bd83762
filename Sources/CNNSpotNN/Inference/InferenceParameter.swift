import CDNNL

/// A constant tensor (folded conv weights, a bias) stored once per layout a primitive asked
/// for. It starts in plain row-major layout; the first primitive that wants another layout
/// (`OIhw8i8o` for the AVX2 convolutions) gets a reordered copy, and the plain copy is dropped
/// then so that the weights are held once (different batch shapes nearly always pick the same
/// layout; a rare second layout is reordered from the first and kept as well).
final class InferenceParameter {
    let dims: [Int]
    private var stored: [DNNLMemory]
    private var plainOnly: Bool

    /// Copies `values` (row-major for `dims`) into oneDNN memory.
    init(dims: [Int], values: [Float]) throws {
        precondition(values.count == dims.reduce(1, *), "InferenceParameter: \(values.count) values for \(dims)")
        let memory = try DNNLMemory(plain: dims)
        memory.withUnsafeMutableBufferPointer { dst in
            values.withUnsafeBufferPointer { src in
                _ = dst.update(fromContentsOf: src)
            }
        }
        self.dims = dims
        stored = [memory]
        plainOnly = true
    }

    /// The parameter in layout `desc` (same dims), reordering on first request.
    func memory(in desc: DNNLMemoryDesc) throws -> DNNLMemory {
        if let hit = stored.first(where: { $0.desc.isEqual(to: desc) }) { return hit }
        let copy = try DNNLMemory(desc)
        let reorder = try DNNLPrimitive(DNNLPrimitiveDesc(reorderFrom: stored[0].desc, to: desc))
        try reorder.execute(args: [DNNLArg.from: stored[0], DNNLArg.to: copy], what: "weights to layout")
        if plainOnly {
            stored = [copy]
            plainOnly = false
        } else {
            stored.append(copy)
        }
        return copy
    }

    /// Bytes held (all layouts).
    var byteCount: Int { stored.reduce(0) { $0 + $1.desc.byteCount } }
}
