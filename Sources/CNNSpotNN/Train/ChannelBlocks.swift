extension Tensor {
    /// This tensor as `[N, C, H, W]` planes for the own spatial kernels: row-major NCHW
    /// (block 1: N*C planes of H*W values) or oneDNN's nChw16c / nChw8c (block b: N*ceil(C/b)
    /// planes of H*W*b values, channel innermost). Other layouts are converted to row-major.
    /// Returns the tensor, its block size and its layout (to give a same-layout output).
    func spatialPlanes() throws -> (tensor: Tensor, block: Int, format: DNNLFormat) {
        precondition(shape.count == 4)
        if isPlain { return (self, 1, .plain) }
        for format in [DNNLFormat.nChw16c, .nChw8c] where try memory.desc.isLaidOut(as: format) {
            return (self, format.channelBlock!, format)
        }
        return (try plain(), 1, .plain)
    }
}
