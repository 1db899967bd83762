import CDNNL
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
        let attr = try DNNLAttr()
        guard sum || self != .identity else { return attr }
        var ops: dnnl_post_ops_t?
        try dnnlCheck(dnnl_post_ops_create(&ops), "creating post-ops")
        defer { dnnlRequire(dnnl_post_ops_destroy(ops), "destroying post-ops") }
        if sum { try dnnlCheck(dnnl_post_ops_append_sum(ops, 1), "appending a sum post-op") }
        switch self {
        case .identity: break
        case .relu: try dnnlCheck(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_relu, 0, 0), "appending a ReLU post-op")
        case .leakyReLU(let s):
            try dnnlCheck(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_relu, s, 0), "appending a leaky ReLU post-op")
        case .tanh: try dnnlCheck(dnnl_post_ops_append_eltwise(ops, 1, dnnl_eltwise_tanh, 0, 0), "appending a tanh post-op")
        }
        try dnnlCheck(dnnl_primitive_attr_set_post_ops(attr.handle, ops), "setting post-ops")
        return attr
    }
}
