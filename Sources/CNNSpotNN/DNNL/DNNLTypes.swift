import CDNNL

/// Element types of the oneDNN memory this package creates.
enum DNNLDataType: Equatable, Sendable {
    case f32, bf16

    var raw: dnnl_data_type_t { self == .bf16 ? dnnl_bf16 : dnnl_f32 }

    /// nil for a type this package does not create (e.g. a pooling workspace's u8 or s32).
    init?(raw: dnnl_data_type_t) {
        switch raw {
        case dnnl_f32: self = .f32
        case dnnl_bf16: self = .bf16
        default: return nil
        }
    }
}

/// Memory layouts by name. `plain` is PyTorch's row-major layout for any number of dims
/// (`a`, `ab`, ..., `nchw` for activations, `oihw` for conv weights); `any` lets the consuming
/// primitive choose (often a blocked layout such as `nChw16c`).
enum DNNLFormat: Equatable, Sendable {
    case any
    case plain
    /// Activations with channels in blocks of 16 / 8, innermost (`aBcd16b` / `aBcd8b`).
    case nChw16c, nChw8c
    /// 4-D weights `[out, in, k, k]` stored as `[in, out, k, k]` (PyTorch's ConvTranspose2d bytes).
    case iohw

    func raw(dims: Int) -> dnnl_format_tag_t {
        switch self {
        case .any: return dnnl_format_tag_any
        case .plain:
            let tags: [dnnl_format_tag_t] = [dnnl_a, dnnl_ab, dnnl_abc, dnnl_abcd, dnnl_abcde, dnnl_abcdef]
            precondition(dims >= 1 && dims <= tags.count, "plain layout for \(dims) dims")
            return tags[dims - 1]
        case .nChw16c: return dnnl_nChw16c
        case .nChw8c: return dnnl_nChw8c
        case .iohw: return dnnl_iohw
        }
    }

    /// Values per channel block: 16 / 8 for the blocked activation layouts, 1 for `plain`.
    var channelBlock: Int? {
        switch self {
        case .plain: return 1
        case .nChw16c: return 16
        case .nChw8c: return 8
        case .any, .iohw: return nil
        }
    }
}

/// The memory descriptors a primitive descriptor can be asked for.
enum DNNLQuery {
    case src, dst, weights, bias, diffSrc, diffDst, diffWeights, workspace, scratchpad

    var raw: (query: dnnl_query_t, index: Int32) {
        switch self {
        case .src: return (dnnl_query_src_md, 0)
        case .dst: return (dnnl_query_dst_md, 0)
        case .weights: return (dnnl_query_weights_md, 0)
        case .bias: return (dnnl_query_weights_md, 1)
        case .diffSrc: return (dnnl_query_diff_src_md, 0)
        case .diffDst: return (dnnl_query_diff_dst_md, 0)
        case .diffWeights: return (dnnl_query_diff_weights_md, 0)
        case .workspace: return (dnnl_query_workspace_md, 0)
        case .scratchpad: return (dnnl_query_scratchpad_md, 0)
        }
    }
}

/// Forward training (keeps what backward needs, e.g. the pooling workspace) or inference.
enum DNNLPropagation {
    case training, inference
    var raw: dnnl_prop_kind_t { self == .training ? dnnl_forward_training : dnnl_forward_inference }
}

enum DNNLConvolutionAlgorithm {
    case direct, winograd
    func raw(transposed: Bool) -> dnnl_alg_kind_t {
        if transposed { return self == .winograd ? dnnl_deconvolution_winograd : dnnl_deconvolution_direct }
        return self == .winograd ? dnnl_convolution_winograd : dnnl_convolution_direct
    }
}

/// Element-wise functions (oneDNN eltwise algorithms), with oneDNN's `alpha`/`beta` meaning.
enum DNNLEltwise {
    /// x > 0 ? x : alpha * x (alpha 0: ReLU; alpha > 0: leaky ReLU).
    case relu
    /// ReLU whose backward reads the output instead of the input.
    case reluUseDst
    case tanh
    /// tanh whose backward reads the output (dy * (1 - y^2)).
    case tanhUseDst
    /// min(max(x, alpha), beta); backward passes the gradient at x == beta.
    case clip
    /// min(max(x, alpha), beta) with a backward that is 0 at both bounds, from the output.
    case clipV2UseDst

    var raw: dnnl_alg_kind_t {
        switch self {
        case .relu: return dnnl_eltwise_relu
        case .reluUseDst: return dnnl_eltwise_relu_use_dst_for_bwd
        case .tanh: return dnnl_eltwise_tanh
        case .tanhUseDst: return dnnl_eltwise_tanh_use_dst_for_bwd
        case .clip: return dnnl_eltwise_clip
        case .clipV2UseDst: return dnnl_eltwise_clip_v2_use_dst_for_bwd
        }
    }
}

enum DNNLPooling {
    case max, averageExcludingPadding
    var raw: dnnl_alg_kind_t { self == .max ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding }
}

enum DNNLResampling {
    case nearest, linear
    var raw: dnnl_alg_kind_t { self == .nearest ? dnnl_resampling_nearest : dnnl_resampling_linear }
}

/// Operations fused after a primitive, in order.
enum DNNLPostOp: Equatable {
    /// dst = op(src) + scale * dst (the destination's previous contents: a residual add).
    case sum(scale: Float)
    /// dst = f(dst) with oneDNN's alpha/beta.
    case eltwise(DNNLEltwise, alpha: Float, beta: Float)
}

/// Strides and zero padding of a 2-D window operation (convolution, pooling), `[h, w]` each.
struct DNNLWindow {
    var strides: [Int]
    var padBefore: [Int]
    var padAfter: [Int]

    init(strides: [Int], padBefore: [Int], padAfter: [Int]) {
        self.strides = strides; self.padBefore = padBefore; self.padAfter = padAfter
    }

    /// The same stride and padding on both axes and both sides.
    init(stride: Int, padding: Int) {
        self.init(strides: [stride, stride], padBefore: [padding, padding], padAfter: [padding, padding])
    }

    var raw: (strides: [Int64], left: [Int64], right: [Int64]) {
        (strides.map(Int64.init), padBefore.map(Int64.init), padAfter.map(Int64.init))
    }
}
