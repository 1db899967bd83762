/// A float32 training tensor with PyTorch's logical shape (NCHW activations, OIHW conv
/// weights, `[N, F]` features) in a oneDNN-owned buffer freed with the last reference.
///
/// Public access is always row-major (PyTorch's contiguous layout). Inside the network an
/// activation may live in a oneDNN blocked layout (`nChw16c`: channels in blocks of 16,
/// innermost) chosen by the convolutions; public accessors then convert through a plain copy.
public final class Tensor {
    public let shape: [Int]
    let memory: DNNLMemory
    /// Whether `memory` is row-major for `shape`.
    let isPlain: Bool

    /// A zero-filled row-major tensor.
    public init(zeros shape: [Int]) throws {
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
            throw NNError.badShape("tensor shape \(shape): every dimension must be positive")
        }
        _ = HeapPolicy.keepLargeBuffers
        self.shape = shape
        memory = try DNNLMemory(plain: shape)
        isPlain = true
    }

    /// A copy of `host` (same shape, same row-major values).
    public convenience init(_ host: HostTensor) throws {
        try self.init(zeros: host.shape.isEmpty ? [1] : host.shape)
        try copy(from: host)
    }

    /// Wraps memory of any layout whose dims are `shape`.
    init(shape: [Int], memory: DNNLMemory) throws {
        precondition(memory.desc.dims == shape, "Tensor: memory dims \(memory.desc.dims) for shape \(shape)")
        self.shape = shape
        self.memory = memory
        isPlain = memory.desc.isEqual(to: try .plain(shape))
    }

    /// An uninitialised tensor in layout `desc`, for a kernel that writes every element
    /// (including any blocked-layout padding).
    convenience init(output desc: DNNLMemoryDesc) throws {
        try self.init(shape: desc.dims, memory: try DNNLMemory(desc, zeroed: false))
    }

    public var count: Int { shape.reduce(1, *) }

    /// This tensor in layout `desc`: itself if already so, else a reordered copy.
    func inLayout(_ desc: DNNLMemoryDesc) throws -> Tensor {
        desc.isEqual(to: memory.desc) ? self : try Tensor(shape: shape, memory: memory.reordered(to: desc))
    }

    /// This tensor row-major: itself if already so, else a reordered copy.
    func plain() throws -> Tensor { isPlain ? self : try inLayout(.plain(shape)) }

    /// Converting layouts can only fail if memory runs out; public accessors treat that as fatal.
    private func plainOrDie() -> Tensor {
        do { return try plain() } catch { fatalError("Tensor \(shape): cannot convert to row-major: \(error)") }
    }

    /// The values as an exchange tensor (a copy, row-major).
    public var host: HostTensor {
        HostTensor(shape: shape, data: withUnsafeBufferPointer { Array($0) })
    }

    /// Row-major values (through a plain copy when the tensor is blocked).
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let p = plainOrDie()
        return try p.memory.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
    }

    /// Row-major values, writable (a blocked tensor is converted back after `body`).
    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        let p = plainOrDie()
        let result = try p.memory.withUnsafeMutableBufferPointer { try body(UnsafeMutableBufferPointer(rebasing: $0[0..<count])) }
        if p !== self {
            do { try p.memory.reorder(into: memory) } catch { fatalError("Tensor \(shape): cannot convert back: \(error)") }
        }
        return result
    }

    /// Sets every value to zero.
    public func zero() { memory.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }

    /// Overwrites the values with `host` (shapes must match).
    public func copy(from host: HostTensor, name: String = "tensor") throws {
        guard host.count == count, host.shape == shape || (host.shape.isEmpty && count == 1) else {
            throw NNError.badShape("\(name): expected shape \(shape), got \(host.shape)")
        }
        withUnsafeMutableBufferPointer { dst in host.data.withUnsafeBufferPointer { _ = dst.update(fromContentsOf: $0) } }
    }

    /// `self += other` element-wise, in `self`'s layout (gradient accumulation; shapes must match).
    func accumulate(_ other: Tensor) throws {
        precondition(other.shape == shape, "accumulate \(other.shape) into \(shape)")
        let o = try other.inLayout(memory.desc)
        o.memory.withUnsafeBufferPointer { src in
            memory.withUnsafeMutableBufferPointer { dst in parallelRanges(dst.count) { r in for i in r { dst[i] += src[i] } } }
        }
    }

    /// `self += values` over the row-major values (plain tensors: parameter gradients).
    func accumulate(_ src: UnsafeBufferPointer<Float>) {
        precondition(isPlain && src.count >= count)
        memory.withUnsafeMutableBufferPointer { dst in parallelRanges(count) { r in for i in r { dst[i] += src[i] } } }
    }

    /// `a + b` element-wise into a new tensor in `a`'s layout (the residual add).
    static func sum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.shape == b.shape else { throw NNError.badShape("add: shapes \(a.shape) and \(b.shape) differ") }
        let bb = try b.inLayout(a.memory.desc)
        let out = try Tensor(output: a.memory.desc)
        out.memory.withUnsafeMutableBufferPointer { o in
            a.memory.withUnsafeBufferPointer { x in
                bb.memory.withUnsafeBufferPointer { y in
                    parallelRanges(o.count) { r in for i in r { o[i] = x[i] + y[i] } }
                }
            }
        }
        return out
    }
}

/// Errors of the neural core that callers can act on (wrong shapes, missing keys, bad state).
public enum NNError: Error, CustomStringConvertible, Equatable {
    case badShape(String)
    case badState(String)

    public var description: String {
        switch self {
        case .badShape(let m): return "shape error: \(m)"
        case .badState(let m): return "state error: \(m)"
        }
    }
}
