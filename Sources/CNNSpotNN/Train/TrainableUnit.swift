/// A description's conv + BatchNorm + activation unit as trainable layers. A ReLU is fused
/// into the BatchNorm (`fusedReLU`: one pass forward and backward); ReLU6 runs after it.
final class TrainableUnit {
    let description: NetworkDescription.Unit
    let conv: Conv2d
    let bn: BatchNorm2d
    let relu6: ReLU6?

    init(_ u: NetworkDescription.Unit) throws {
        description = u
        let c = u.conv
        let padding: Conv2d.Padding
        switch c.padding {
        case .symmetric(let p): padding = .symmetric(p)
        case .tensorFlowSame: padding = .tfSame
        }
        conv = try Conv2d(
            c.inChannels, c.outChannels, kernel: c.kernel, stride: c.stride, padding: padding,
            groups: c.groups, bias: c.bias)
        bn = try BatchNorm2d(
            u.batchNorm.channels, eps: u.batchNorm.eps, momentum: u.batchNorm.momentum,
            fusedReLU: u.activation == .relu)
        relu6 = u.activation == .relu6 ? ReLU6() : nil
    }

    func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let y = try bn.forward(try conv.forward(x, mode: mode), mode: mode)
        return try relu6?.forward(y, mode: mode) ?? y
    }

    /// dL/d(output) -> dL/d(input) (nil when `inputGradient` is false: the network's first conv).
    func backward(_ dy: Tensor, inputGradient: Bool = true) throws -> Tensor? {
        let g = try relu6?.backward(dy) ?? dy
        return try conv.backward(try bn.backward(g), inputGradient: inputGradient)
    }

    func releaseSaved() { conv.releaseSaved(); bn.releaseSaved(); relu6?.releaseSaved() }
}
