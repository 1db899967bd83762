/// A float32 training tensor with PyTorch's logical shape (NCHW activations, OIHW conv
/// weights, `[N, F]` features), stored row-major in a oneDNN-owned buffer that is freed when
/// the last reference goes. Host access only through `withUnsafe...` closures.
public final class Tensor {
    public let shape: [Int]
    let memory: DNNLMemory

    /// A zero-filled tensor.
    public init(zeros shape: [Int]) throws {
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
            throw NNError.badShape("tensor shape \(shape): every dimension must be positive")
        }
        self.shape = shape
        memory = try DNNLMemory(plain: shape)
    }

    /// A copy of `host` (same shape, same row-major values).
    public convenience init(_ host: HostTensor) throws {
        try self.init(zeros: host.shape.isEmpty ? [1] : host.shape)
        withUnsafeMutableBufferPointer { dst in host.data.withUnsafeBufferPointer { _ = dst.update(fromContentsOf: $0) } }
    }

    /// Wraps a memory object already laid out row-major for `shape`.
    init(shape: [Int], memory: DNNLMemory) {
        precondition(memory.floatCount == shape.reduce(1, *), "Tensor: \(memory.floatCount) values for \(shape)")
        self.shape = shape
        self.memory = memory
    }

    public var count: Int { shape.reduce(1, *) }

    /// The values as an exchange tensor (a copy).
    public var host: HostTensor {
        HostTensor(shape: shape, data: withUnsafeBufferPointer { Array($0) })
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try memory.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
    }

    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try memory.withUnsafeMutableBufferPointer { try body(UnsafeMutableBufferPointer(rebasing: $0[0..<count])) }
    }

    /// Sets every value to zero.
    public func zero() { withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }

    /// Overwrites the values with `host` (shapes must match).
    public func copy(from host: HostTensor, name: String = "tensor") throws {
        guard host.count == count, host.shape == shape || (host.shape.isEmpty && count == 1) else {
            throw NNError.badShape("\(name): expected shape \(shape), got \(host.shape)")
        }
        withUnsafeMutableBufferPointer { dst in host.data.withUnsafeBufferPointer { _ = dst.update(fromContentsOf: $0) } }
    }

    /// `self += other` element-wise (gradient accumulation; shapes must match).
    func accumulate(_ other: Tensor) {
        precondition(other.shape == shape, "accumulate \(other.shape) into \(shape)")
        other.memory.withUnsafeBufferPointer { src in accumulate(src) }
    }

    /// `self += values` element-wise over the first `count` values.
    func accumulate(_ src: UnsafeBufferPointer<Float>) {
        withUnsafeMutableBufferPointer { dst in
            for i in 0..<dst.count { dst[i] += src[i] }
        }
    }

    /// `a + b` element-wise into a new tensor (the residual add).
    static func sum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.shape == b.shape else { throw NNError.badShape("add: shapes \(a.shape) and \(b.shape) differ") }
        let out = try Tensor(zeros: a.shape)
        out.withUnsafeMutableBufferPointer { o in
            a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in
                for i in 0..<o.count { o[i] = x[i] + y[i] }
            } }
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
