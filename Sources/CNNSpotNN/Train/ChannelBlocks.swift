import CDNNL

extension Tensor {
    /// This tensor as `[N, C, H, W]` planes for the own spatial kernels: row-major NCHW
    /// (block 1: N*C planes of H*W values) or oneDNN's nChw16c / nChw8c (block b: N*ceil(C/b)
    /// planes of H*W*b values, channel innermost). Other layouts are converted to row-major.
    /// Returns the tensor, its block size and the format tag to give a same-layout output.
    func spatialPlanes() throws -> (tensor: Tensor, block: Int, tag: dnnl_format_tag_t) {
        precondition(shape.count == 4)
        if isPlain { return (self, 1, dnnl_nchw) }
        for (tag, b) in [(dnnl_nChw16c, 16), (dnnl_nChw8c, 8)] {
            if memory.desc.isEqual(to: try DNNLMemoryDesc(dims: shape, tag: tag)) { return (self, b, tag) }
        }
        return (try plain(), 1, dnnl_nchw)
    }
}
