/// A constant tensor (folded conv weights, a bias) in the layouts primitives asked for.
///
/// It starts in plain row-major layout. The first primitive that wants another layout
/// (`OIhw16i16o`, `Acdb64a`, ...) gets a reordered copy, which becomes the canonical copy (the
/// plain one is dropped) so that the weights are held once. Any further layout (another batch
/// shape may choose one; Winograd layouts depend on the shape) is reordered from the canonical
/// copy and held only weakly here: the plans that use it own it, so it goes when they are evicted.
/// Winograd layouts can only be made from the plain layout, so parameters of Winograd convs keep
/// the plain copy as canonical (`keepPlain`).
final class InferenceParameter {
    let dims: [Int]
    private var canonical: DNNLMemory
    private var canonicalIsPlain: Bool
    private let keepPlain: Bool
    private var extra: [Weak] = []

    private final class Weak {
        weak var memory: DNNLMemory?
        init(_ memory: DNNLMemory) { self.memory = memory }
    }

    /// Copies `values` (row-major for `dims`) into oneDNN memory.
    init(dims: [Int], values: [Float], keepPlain: Bool = false) throws {
        precondition(values.count == dims.reduce(1, *), "InferenceParameter: \(values.count) values for \(dims)")
        let memory = try DNNLMemory(plain: dims)
        memory.withUnsafeMutableBufferPointer { dst in
            values.withUnsafeBufferPointer { src in
                _ = dst.update(fromContentsOf: src)
            }
        }
        self.dims = dims
        canonical = memory
        canonicalIsPlain = true
        self.keepPlain = keepPlain
    }

    /// The parameter in layout `desc` (same dims), reordering on first request. `shared` is
    /// false for a copy only the caller's plans keep alive (counted in their memory).
    func memory(in desc: DNNLMemoryDesc) throws -> (memory: DNNLMemory, shared: Bool) {
        if canonical.desc.isEqual(to: desc) { return (canonical, true) }
        extra.removeAll { $0.memory == nil }
        if let hit = extra.first(where: { $0.memory!.desc.isEqual(to: desc) })?.memory { return (hit, false) }
        let copy = try DNNLMemory(desc)
        let reorder = try DNNLPrimitive(DNNLPrimitiveDesc(reorderFrom: canonical.desc, to: desc))
        try reorder.execute(args: [DNNLArg.from: canonical, DNNLArg.to: copy], what: "weights \(dims) to layout")
        if canonicalIsPlain && !keepPlain {
            canonical = copy
            canonicalIsPlain = false
            return (copy, true)
        }
        extra.append(Weak(copy))
        return (copy, false)
    }

    /// Bytes held now (canonical copy and layouts still used by some plan).
    var byteCount: Int {
        extra.reduce(canonical.desc.byteCount) { $0 + ($1.memory?.desc.byteCount ?? 0) }
    }
}
