/// A description's residual block as trainable layers: `activation(main(x) + shortcut(x))`,
/// the shortcut being the identity when it has no units (torchvision's `downsample` or none;
/// EfficientNet's id-skip). Backward sums the main-path and shortcut-path input gradients.
final class TrainableResidual {
    let description: NetworkDescription.Residual
    let main: [TrainableUnit]
    let shortcut: [TrainableUnit]
    /// The activation after the add (not fusable into a BatchNorm: it follows the sum).
    let relu: ReLU?
    let relu6: ReLU6?

    init(_ r: NetworkDescription.Residual) throws {
        description = r
        main = try r.main.map(TrainableUnit.init)
        shortcut = try r.shortcut.map(TrainableUnit.init)
        relu = r.activation == .relu ? ReLU() : nil
        relu6 = r.activation == .relu6 ? ReLU6() : nil
    }

    var units: [TrainableUnit] { main + shortcut }

    func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        var h = x
        for u in main { h = try u.forward(h, mode: mode) }
        var s = x
        for u in shortcut { s = try u.forward(s, mode: mode) }
        let sum = try Tensor.sum(h, s)
        if let relu6 { return try relu6.forward(sum, mode: mode) }
        return try relu?.forward(sum, mode: mode) ?? sum
    }

    func backward(_ dy: Tensor) throws -> Tensor {
        let d = try relu6?.backward(dy) ?? relu?.backward(dy) ?? dy
        var g = d
        for u in main.reversed() { g = try u.backward(g)! }
        var s = d
        for u in shortcut.reversed() { s = try u.backward(s)! }
        try g.accumulate(s)
        return g
    }

    func releaseSaved() { units.forEach { $0.releaseSaved() }; relu?.releaseSaved(); relu6?.releaseSaved() }
}
