import Foundation

/// The activation after a generator layer, fused into the oneDNN primitive as an eltwise
/// post-op where the layer is a oneDNN primitive, applied in the kernel otherwise.
/// PyTorch equivalents: `nn.ReLU`, `nn.LeakyReLU(slope)`, `nn.Tanh`.
public enum GeneratorActivation: Equatable, Sendable {
    case identity
    case relu
    case leakyReLU(Float)
    case tanh

    /// Short name for settings text (`relu`, `lrelu0.2`, `tanh`, `none`).
    public var name: String {
        switch self {
        case .identity: return "none"
        case .relu: return "relu"
        case .leakyReLU(let s): return "lrelu\(s)"
        case .tanh: return "tanh"
        }
    }

    /// The activation applied to one value (host kernels; oneDNN's own kernels may differ from
    /// this in the last bits of `tanh`).
    @inline(__always)
    func apply(_ x: Float) -> Float {
        switch self {
        case .identity: return x
        case .relu: return x > 0 ? x : 0
        case .leakyReLU(let s): return x > 0 ? x : x * s
        case .tanh: return Foundation.tanh(x)
        }
    }

    /// Primitive attributes: optional sum onto the destination's contents (a residual add),
    /// then this activation: `dst = act(op(src) + dst)` with `sum`.
    func attributes(sum: Bool) throws -> DNNLAttr {
        var ops: [DNNLPostOp] = sum ? [.sum(scale: 1)] : []
        switch self {
        case .identity: break
        case .relu: ops.append(.eltwise(.relu, alpha: 0, beta: 0))
        case .leakyReLU(let s): ops.append(.eltwise(.relu, alpha: s, beta: 0))
        case .tanh: ops.append(.eltwise(.tanh, alpha: 0, beta: 0))
        }
        return try DNNLAttr(postOps: ops)
    }
}
