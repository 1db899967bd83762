/// One entry of `NetworkDescription.layers` as trainable layers.
enum TrainableLayer {
    case unit(TrainableUnit)
    case maxPool(MaxPool2d)
    case residual(TrainableResidual)

    init(_ layer: NetworkDescription.Layer) throws {
        switch layer {
        case .unit(let u): self = .unit(try TrainableUnit(u))
        case .maxPool(let k, let s, let p): self = .maxPool(MaxPool2d(kernel: k, stride: s, padding: p))
        case .residual(let r): self = .residual(try TrainableResidual(r))
        }
    }

    var units: [TrainableUnit] {
        switch self {
        case .unit(let u): return [u]
        case .maxPool: return []
        case .residual(let r): return r.units
        }
    }

    func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        switch self {
        case .unit(let u): return try u.forward(x, mode: mode)
        case .maxPool(let m): return try m.forward(x, mode: mode)
        case .residual(let r): return try r.forward(x, mode: mode)
        }
    }

    func backward(_ dy: Tensor, inputGradient: Bool) throws -> Tensor? {
        switch self {
        case .unit(let u): return try u.backward(dy, inputGradient: inputGradient)
        case .maxPool(let m): return try m.backward(dy)
        case .residual(let r): return try r.backward(dy)
        }
    }

    func releaseSaved() {
        switch self {
        case .unit(let u): u.releaseSaved()
        case .maxPool(let m): m.releaseSaved()
        case .residual(let r): r.releaseSaved()
        }
    }
}
