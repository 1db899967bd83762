/// A description's conv + BatchNorm + activation unit as trainable layers. A ReLU is fused
/// into the BatchNorm (`fusedReLU`: one pass forward and backward).
final class TrainableUnit {
    let description: NetworkDescription.Unit
    let conv: Conv2d
    let bn: BatchNorm2d

    init(_ u: NetworkDescription.Unit) throws {
        description = u
        let c = u.conv
        guard c.groups == 1, !c.bias, case .symmetric(let p) = c.padding else {
            throw NNError.badState("\(c.key): grouped, biased or TensorFlow-same convolutions are not trainable yet")
        }
        conv = try Conv2d(c.inChannels, c.outChannels, kernel: c.kernel, stride: c.stride, padding: p)
        switch u.activation {
        case .relu?, nil: break
        case .relu6?: throw NNError.badState("\(c.key): ReLU6 is not trainable yet")
        }
        bn = try BatchNorm2d(u.batchNorm.channels, eps: u.batchNorm.eps, momentum: u.batchNorm.momentum,
                             fusedReLU: u.activation == .relu)
    }

    func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try bn.forward(try conv.forward(x, mode: mode), mode: mode)
    }

    /// dL/d(output) -> dL/d(input) (nil when `inputGradient` is false: the network's first conv).
    func backward(_ dy: Tensor, inputGradient: Bool = true) throws -> Tensor? {
        try conv.backward(try bn.backward(dy), inputGradient: inputGradient)
    }

    func releaseSaved() { conv.releaseSaved(); bn.releaseSaved() }
}
