import CDNNL

/// The primitive descriptors the layers and the inference planner build, one typed function
/// per oneDNN operation: the C operation-descriptor structs and their pointer chains stay here.
/// Every function names the operation (`what`) in the error a failed call throws. Backward
/// descriptors take their forward primitive descriptor as `hint`, as oneDNN requires.
extension DNNLPrimitiveDesc {
    // MARK: Convolution and deconvolution (`transposed`)

    static func convolution(
        _ prop: DNNLPropagation, algorithm: DNNLConvolutionAlgorithm = .direct, transposed: Bool = false,
        src: DNNLMemoryDesc, weights: DNNLMemoryDesc, bias: DNNLMemoryDesc?, dst: DNNLMemoryDesc,
        window: DNNLWindow, attr: DNNLAttr? = nil, what: String
    ) throws -> DNNLPrimitiveDesc {
        let (st, l, r) = window.raw
        let alg = algorithm.raw(transposed: transposed)
        var (s, w, d, b) = (src.raw, weights.raw, dst.raw, bias?.raw ?? dnnl_memory_desc_t())
        let hasBias = bias != nil
        if transposed {
            var op = dnnl_deconvolution_desc_t()
            try withUnsafePointer(to: &b) { bp in
                try dnnlCheck(dnnl_deconvolution_forward_desc_init(&op, prop.raw, alg, &s, &w, hasBias ? bp : nil, &d, st, l, r), what)
            }
            return try DNNLPrimitiveDesc(op, attr: attr, what: what)
        }
        var op = dnnl_convolution_desc_t()
        try withUnsafePointer(to: &b) { bp in
            try dnnlCheck(dnnl_convolution_forward_desc_init(&op, prop.raw, alg, &s, &w, hasBias ? bp : nil, &d, st, l, r), what)
        }
        return try DNNLPrimitiveDesc(op, attr: attr, what: what)
    }

    /// dL/dsrc from dL/ddst and the weights.
    static func convolutionBackwardData(
        transposed: Bool = false, diffSrc: DNNLMemoryDesc, weights: DNNLMemoryDesc,
        diffDst: DNNLMemoryDesc, window: DNNLWindow, hint: DNNLPrimitiveDesc,
        what: String
    ) throws -> DNNLPrimitiveDesc {
        let (st, l, r) = window.raw
        var (s, w, d) = (diffSrc.raw, weights.raw, diffDst.raw)
        if transposed {
            var op = dnnl_deconvolution_desc_t()
            try dnnlCheck(dnnl_deconvolution_backward_data_desc_init(&op, dnnl_deconvolution_direct, &s, &w, &d, st, l, r), what)
            return try DNNLPrimitiveDesc(op, hint: hint, what: what)
        }
        var op = dnnl_convolution_desc_t()
        try dnnlCheck(dnnl_convolution_backward_data_desc_init(&op, dnnl_convolution_direct, &s, &w, &d, st, l, r), what)
        return try DNNLPrimitiveDesc(op, hint: hint, what: what)
    }

    /// dL/dweights (and dL/dbias when `diffBias` is given) from the input and dL/ddst.
    static func convolutionBackwardWeights(
        transposed: Bool = false, src: DNNLMemoryDesc, diffWeights: DNNLMemoryDesc,
        diffBias: DNNLMemoryDesc?, diffDst: DNNLMemoryDesc, window: DNNLWindow,
        hint: DNNLPrimitiveDesc, what: String
    ) throws -> DNNLPrimitiveDesc {
        let (st, l, r) = window.raw
        var (s, w, d, b) = (src.raw, diffWeights.raw, diffDst.raw, diffBias?.raw ?? dnnl_memory_desc_t())
        let hasBias = diffBias != nil
        if transposed {
            var op = dnnl_deconvolution_desc_t()
            try withUnsafePointer(to: &b) { bp in
                try dnnlCheck(
                    dnnl_deconvolution_backward_weights_desc_init(
                        &op, dnnl_deconvolution_direct, &s, &w, hasBias ? bp : nil,
                        &d, st, l, r), what)
            }
            return try DNNLPrimitiveDesc(op, hint: hint, what: what)
        }
        var op = dnnl_convolution_desc_t()
        try withUnsafePointer(to: &b) { bp in
            try dnnlCheck(
                dnnl_convolution_backward_weights_desc_init(
                    &op, dnnl_convolution_direct, &s, &w, hasBias ? bp : nil,
                    &d, st, l, r), what)
        }
        return try DNNLPrimitiveDesc(op, hint: hint, what: what)
    }

    // MARK: Element-wise

    /// `f(src)` in `src`'s layout.
    static func eltwise(
        _ prop: DNNLPropagation, _ f: DNNLEltwise, src: DNNLMemoryDesc, alpha: Float = 0, beta: Float = 0,
        what: String
    ) throws -> DNNLPrimitiveDesc {
        var op = dnnl_eltwise_desc_t()
        var s = src.raw
        try dnnlCheck(dnnl_eltwise_forward_desc_init(&op, prop.raw, f.raw, &s, alpha, beta), what)
        return try DNNLPrimitiveDesc(op, what: what)
    }

    /// The gradient of `f`; `data` is the forward's input (or output, for the `UseDst` variants).
    static func eltwiseBackward(
        _ f: DNNLEltwise, diff: DNNLMemoryDesc, data: DNNLMemoryDesc, alpha: Float = 0, beta: Float = 0,
        hint: DNNLPrimitiveDesc, what: String
    ) throws -> DNNLPrimitiveDesc {
        var op = dnnl_eltwise_desc_t()
        var (g, x) = (diff.raw, data.raw)
        try dnnlCheck(dnnl_eltwise_backward_desc_init(&op, f.raw, &g, &x, alpha, beta), what)
        return try DNNLPrimitiveDesc(op, hint: hint, what: what)
    }

    // MARK: Pooling

    static func pooling(
        _ prop: DNNLPropagation, _ kind: DNNLPooling, src: DNNLMemoryDesc, dst: DNNLMemoryDesc, kernel: [Int],
        window: DNNLWindow, attr: DNNLAttr? = nil, what: String
    ) throws -> DNNLPrimitiveDesc {
        let (st, l, r) = window.raw
        var op = dnnl_pooling_desc_t()
        var (s, d) = (src.raw, dst.raw)
        try dnnlCheck(dnnl_pooling_forward_desc_init(&op, prop.raw, kind.raw, &s, &d, st, kernel.map(Int64.init), l, r), what)
        return try DNNLPrimitiveDesc(op, attr: attr, what: what)
    }

    static func poolingBackward(
        _ kind: DNNLPooling, diffSrc: DNNLMemoryDesc, diffDst: DNNLMemoryDesc, kernel: [Int],
        window: DNNLWindow, hint: DNNLPrimitiveDesc, what: String
    ) throws -> DNNLPrimitiveDesc {
        let (st, l, r) = window.raw
        var op = dnnl_pooling_desc_t()
        var (s, d) = (diffSrc.raw, diffDst.raw)
        try dnnlCheck(dnnl_pooling_backward_desc_init(&op, kind.raw, &s, &d, st, kernel.map(Int64.init), l, r), what)
        return try DNNLPrimitiveDesc(op, hint: hint, what: what)
    }

    // MARK: Resampling

    /// Up- or down-sampling of the spatial axes by `factors` (`[h, w]`).
    static func resampling(
        _ prop: DNNLPropagation, _ kind: DNNLResampling, factors: [Float], src: DNNLMemoryDesc,
        dst: DNNLMemoryDesc, what: String
    ) throws -> DNNLPrimitiveDesc {
        var op = dnnl_resampling_desc_t()
        var (s, d) = (src.raw, dst.raw)
        try dnnlCheck(dnnl_resampling_forward_desc_init(&op, prop.raw, kind.raw, factors, &s, &d), what)
        return try DNNLPrimitiveDesc(op, what: what)
    }

    static func resamplingBackward(
        _ kind: DNNLResampling, factors: [Float], diffSrc: DNNLMemoryDesc, diffDst: DNNLMemoryDesc,
        hint: DNNLPrimitiveDesc, what: String
    ) throws -> DNNLPrimitiveDesc {
        var op = dnnl_resampling_desc_t()
        var (s, d) = (diffSrc.raw, diffDst.raw)
        try dnnlCheck(dnnl_resampling_backward_desc_init(&op, kind.raw, factors, &s, &d), what)
        return try DNNLPrimitiveDesc(op, hint: hint, what: what)
    }

    // MARK: Inner product

    /// `src [N, in] x weights [out, in]^T + bias -> dst [N, out]`.
    static func innerProduct(
        _ prop: DNNLPropagation, src: DNNLMemoryDesc, weights: DNNLMemoryDesc, bias: DNNLMemoryDesc,
        dst: DNNLMemoryDesc, attr: DNNLAttr? = nil, what: String
    ) throws -> DNNLPrimitiveDesc {
        var op = dnnl_inner_product_desc_t()
        var (s, w, b, d) = (src.raw, weights.raw, bias.raw, dst.raw)
        try dnnlCheck(dnnl_inner_product_forward_desc_init(&op, prop.raw, &s, &w, &b, &d), what)
        return try DNNLPrimitiveDesc(op, attr: attr, what: what)
    }
}
