extension InferenceNetwork {
    /// Floating-point operations of one image of `height` x `width` through the convs and `fc`
    /// (2 per multiply-add: output pixels x Cout x Cin x k x k x 2; pooling, bias and ReLU not
    /// counted), the usual basis for GFLOP/s. ResNet-50 at 224x224: about 8.2 GFLOP.
    public func flops(height: Int, width: Int) -> Double {
        var total = 0.0
        func conv(_ c: InferenceConv, _ h: Int, _ w: Int) -> (Int, Int) {
            let (oh, ow) = (c.outputSize(h), c.outputSize(w))
            total += 2 * Double(oh * ow) * Double(c.outChannels * c.inChannels * c.kernel * c.kernel)
            return (oh, ow)
        }
        var (h, w) = conv(stem, height, width)
        (h, w) = ((h + 2 - 3) / 2 + 1, (w + 2 - 3) / 2 + 1)
        for block in blocks {
            if let ds = block.downsample { _ = conv(ds, h, w) }
            var (bh, bw) = (h, w)
            for c in block.convs { (bh, bw) = conv(c, bh, bw) }
            (h, w) = (bh, bw)
        }
        return total + 2 * Double(fc.inFeatures * fc.outFeatures)
    }
}
