/// One torchvision residual block: Bottleneck (1x1, 3x3 with the stride, 1x1 with expansion
/// 4; "v1.5") or BasicBlock (3x3 with the stride, 3x3), each conv followed by BatchNorm and
/// (except the last) ReLU; `downsample` = 1x1 conv with the stride + BatchNorm where the shape
/// changes; output `relu(main + identity)`. Key names follow torchvision (`conv1`, `bn1`, ...,
/// `downsample.0`, `downsample.1`).
final class ResidualBlock {
    let spec: ResNetSpec.Block
    let convs: [Conv2d]
    let bns: [BatchNorm2d]
    /// The ReLU after the residual add (the ReLUs after the other conv/BN pairs are fused into
    /// their BatchNorms, `fusedReLU`).
    let relu = ReLU()
    let downsample: (conv: Conv2d, bn: BatchNorm2d)?

    init(_ b: ResNetSpec.Block, bottleneck: Bool) throws {
        spec = b
        if bottleneck {
            convs = [try Conv2d(b.inChannels, b.width, kernel: 1),
                     try Conv2d(b.width, b.width, kernel: 3, stride: b.stride, padding: 1),
                     try Conv2d(b.width, b.outChannels, kernel: 1)]
            bns = [try BatchNorm2d(b.width, fusedReLU: true), try BatchNorm2d(b.width, fusedReLU: true), try BatchNorm2d(b.outChannels)]
        } else {
            convs = [try Conv2d(b.inChannels, b.width, kernel: 3, stride: b.stride, padding: 1),
                     try Conv2d(b.width, b.outChannels, kernel: 3, padding: 1)]
            bns = [try BatchNorm2d(b.width, fusedReLU: true), try BatchNorm2d(b.outChannels)]
        }
        downsample = b.hasDownsample
            ? (try Conv2d(b.inChannels, b.outChannels, kernel: 1, stride: b.stride), try BatchNorm2d(b.outChannels)) : nil
    }

    /// Parameters and BatchNorms under their torchvision key prefixes, in state-dict order.
    var namedConvs: [(String, Conv2d)] {
        var out = convs.enumerated().map { ("\(spec.prefix).conv\($0.offset + 1)", $0.element) }
        if let d = downsample { out.append(("\(spec.prefix).downsample.0", d.conv)) }
        return out
    }
    var namedBatchNorms: [(String, BatchNorm2d)] {
        var out = bns.enumerated().map { ("\(spec.prefix).bn\($0.offset + 1)", $0.element) }
        if let d = downsample { out.append(("\(spec.prefix).downsample.1", d.bn)) }
        return out
    }

    func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        var h = x
        for i in convs.indices {
            h = try bns[i].forward(try convs[i].forward(h, mode: mode), mode: mode)
        }
        let identity = try downsample.map { try $0.bn.forward(try $0.conv.forward(x, mode: mode), mode: mode) } ?? x
        return try relu.forward(try Tensor.sum(h, identity), mode: mode)
    }

    func releaseSaved() {
        convs.forEach { $0.releaseSaved() }; bns.forEach { $0.releaseSaved() }; relu.releaseSaved()
        downsample?.conv.releaseSaved(); downsample?.bn.releaseSaved()
    }

    /// dL/d(output) -> dL/d(input): the main path and the identity (or downsample) path summed.
    func backward(_ dy: Tensor) throws -> Tensor {
        let d = try relu.backward(dy)
        var g = d
        for i in convs.indices.reversed() {
            g = try convs[i].backward(try bns[i].backward(g))
        }
        if let ds = downsample {
            try g.accumulate(try ds.conv.backward(try ds.bn.backward(d)))
        } else {
            try g.accumulate(d)
        }
        return g
    }
}
