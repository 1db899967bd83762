extension InferenceNetwork {
    /// Floating-point operations of one image of `height` x `width` through the convs and the
    /// head (2 per multiply-add: output pixels x Cout x Cin/groups x k x k x 2; pooling, bias,
    /// activations and the input transform not counted), the usual basis for GFLOP/s.
    /// ResNet-50 at 224x224: about 8.2 GFLOP.
    public func flops(height: Int, width: Int) -> Double {
        var total = 0.0
        func conv(_ c: InferenceConv, _ h: Int, _ w: Int) -> (Int, Int) {
            let (oh, ow) = (c.outputSize(h), c.outputSize(w))
            total += 2 * Double(oh * ow) * Double(c.outChannels * (c.inChannels / c.groups) * c.kernel * c.kernel)
            return (oh, ow)
        }
        var (h, w) = InputTransformKernel.outputSize(spec.description.inputTransform, height: height, width: width)
        for stage in stages {
            switch stage {
            case .conv(let c): (h, w) = conv(c, h, w)
            case .maxPool(let k, let s, let p): (h, w) = ((h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1)
            case .residual(let main, let ds, _):
                if let ds { _ = conv(ds, h, w) }
                var (bh, bw) = (h, w)
                for c in main { (bh, bw) = conv(c, bh, bw) }
                (h, w) = (bh, bw)
            }
        }
        return total + 2 * Double(head.inFeatures * head.outFeatures)
    }
}
