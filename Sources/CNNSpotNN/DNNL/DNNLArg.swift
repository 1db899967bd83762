import CDNNL

/// oneDNN execution-argument indices (`DNNL_ARG_*` are macros; the shim turns them into functions).
enum DNNLArg {
    static let src = cnnspot_dnnl_arg_src()
    static let dst = cnnspot_dnnl_arg_dst()
    static let from = cnnspot_dnnl_arg_from()
    static let to = cnnspot_dnnl_arg_to()
    static let weights = cnnspot_dnnl_arg_weights()
    static let bias = cnnspot_dnnl_arg_bias()
    static let mean = cnnspot_dnnl_arg_mean()
    static let variance = cnnspot_dnnl_arg_variance()
    static let scale = cnnspot_dnnl_arg_scale()
    static let shift = cnnspot_dnnl_arg_shift()
    static let workspace = cnnspot_dnnl_arg_workspace()
    static let scratchpad = cnnspot_dnnl_arg_scratchpad()
    static let diffSrc = cnnspot_dnnl_arg_diff_src()
    static let diffDst = cnnspot_dnnl_arg_diff_dst()
    static let diffWeights = cnnspot_dnnl_arg_diff_weights()
    static let diffBias = cnnspot_dnnl_arg_diff_bias()
    static let diffScale = cnnspot_dnnl_arg_diff_scale()
    static let diffShift = cnnspot_dnnl_arg_diff_shift()
    static let src1 = cnnspot_dnnl_arg_src_1()
    /// The second input of post-op number `index` (binary post-ops such as a residual add).
    static func postOpSrc1(_ index: Int) -> Int32 { cnnspot_dnnl_arg_attr_post_op_src1(Int32(index)) }
}
