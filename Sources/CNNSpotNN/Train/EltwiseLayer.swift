/// A oneDNN eltwise activation with forward and backward (the shared machinery of ReLU6, Tanh,
/// LeakyReLU). Works in the input's layout (blocked or row-major); primitives cached per shape,
/// for the layout last seen. `useDst` algorithms keep only the output for backward, the others
/// the input. Element-wise, so every value is computed the same way whatever the thread count.
final class EltwiseLayer {
    let name: String
    private let algorithm: DNNLEltwise
    private let alpha: Float, beta: Float
    private let useDst: Bool
    private struct Primitives { let layout: DNNLMemoryDesc; let forward: DNNLPrimitive; let backward: DNNLPrimitive }
    private var cache: [[Int]: Primitives] = [:]
    /// The input (or output with `useDst`) of the last train forward.
    private var saved: Tensor?

    init(_ name: String, _ algorithm: DNNLEltwise, alpha: Float = 0, beta: Float = 0, useDst: Bool) {
        self.name = name; self.algorithm = algorithm; self.alpha = alpha; self.beta = beta; self.useDst = useDst
    }

    private func primitives(for md: DNNLMemoryDesc) throws -> Primitives {
        let shape = md.dims
        if let p = cache[shape], p.layout.isEqual(to: md) { return p }
        let fpd = try DNNLPrimitiveDesc.eltwise(.training, algorithm, src: md, alpha: alpha, beta: beta, what: "\(name) \(shape)")
        let bpd = try DNNLPrimitiveDesc.eltwiseBackward(
            algorithm, diff: md, data: md, alpha: alpha, beta: beta, hint: fpd,
            what: "\(name) backward \(shape)")
        let p = Primitives(layout: md, forward: try DNNLPrimitive(fpd), backward: try DNNLPrimitive(bpd))
        cache[shape] = p
        return p
    }

    func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        let p = try primitives(for: x.memory.desc)
        let y = try Tensor(output: x.memory.desc)
        try p.forward.execute(args: [DNNLArg.src: x.memory, DNNLArg.dst: y.memory], what: name)
        saved = mode == .train ? (useDst ? y : x) : nil
        return y
    }

    func backward(_ dy: Tensor) throws -> Tensor {
        guard let s = saved else { throw NNError.badState("\(name).backward without a train-mode forward") }
        guard dy.shape == s.shape else { throw NNError.badShape("\(name).backward: dy \(dy.shape), expected \(s.shape)") }
        saved = nil
        let p = try primitives(for: s.memory.desc)
        let dx = try Tensor(output: s.memory.desc)
        let g = try dy.inLayout(s.memory.desc)
        try p.backward.execute(
            args: [useDst ? DNNLArg.dst : DNNLArg.src: s.memory, DNNLArg.diffDst: g.memory, DNNLArg.diffSrc: dx.memory],
            what: name + " backward")
        return dx
    }

    func releaseSaved() { saved = nil }
}
