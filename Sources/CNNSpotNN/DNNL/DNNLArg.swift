import CDNNL

/// oneDNN execution-argument indices (`DNNL_ARG_*` are macros; the shim turns them into functions).
enum DNNLArg {
    static let src = cnnspot_dnnl_arg_src()
    static let dst = cnnspot_dnnl_arg_dst()
    static let from = cnnspot_dnnl_arg_from()
    static let to = cnnspot_dnnl_arg_to()
    static let weights = cnnspot_dnnl_arg_weights()
    static let bias = cnnspot_dnnl_arg_bias()
    static let workspace = cnnspot_dnnl_arg_workspace()
    static let scratchpad = cnnspot_dnnl_arg_scratchpad()
    static let diffSrc = cnnspot_dnnl_arg_diff_src()
    static let diffDst = cnnspot_dnnl_arg_diff_dst()
    static let diffWeights = cnnspot_dnnl_arg_diff_weights()
    static let diffBias = cnnspot_dnnl_arg_diff_bias()
}
