import CDNNL

/// torch.nn.BatchNorm2d (eps 1e-5, momentum 0.1, affine, tracking running stats).
/// Train: normalise with the batch mean and biased variance over (N, H, W); running_mean and
/// running_var move by momentum, running_var with the UNBIASED batch variance (M / (M - 1)),
/// as PyTorch does; num_batches_tracked += 1. Eval: normalise with the running statistics.
/// oneDNN batch_normalization (use_scale | use_shift; use_global_stats in eval) on plain NCHW.
public final class BatchNorm2d {
    public let channels: Int
    public let eps: Float
    public let momentum: Float
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Tensor
    public let runningVar: Tensor
    public var numBatchesTracked: Int = 0

    private struct Primitives { let forward: DNNLPrimitive; let backward: DNNLPrimitive }
    private var cache: [String: Primitives] = [:]
    /// What backward needs after a train forward: the input and the batch statistics.
    private var saved: (x: Tensor, mean: DNNLMemory, variance: DNNLMemory)?
    private let scaleGradScratch: DNNLMemory, shiftGradScratch: DNNLMemory

    public init(_ channels: Int, eps: Float = 1e-5, momentum: Float = 0.1) throws {
        self.channels = channels; self.eps = eps; self.momentum = momentum
        weight = try Parameter(zeros: [channels]); bias = try Parameter(zeros: [channels])
        weight.value.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
        runningMean = try Tensor(zeros: [channels]); runningVar = try Tensor(zeros: [channels])
        runningVar.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
        scaleGradScratch = try DNNLMemory(plain: [channels]); shiftGradScratch = try DNNLMemory(plain: [channels])
    }

    private func primitives(for shape: [Int], mode: ForwardMode) throws -> Primitives {
        let key = "\(shape)\(mode)"
        if let p = cache[key] { return p }
        let md = try DNNLMemoryDesc.plain(shape)
        var flags = dnnl_use_scale.rawValue | dnnl_use_shift.rawValue
        if mode == .eval { flags |= dnnl_use_global_stats.rawValue }
        let what = "batch norm \(shape) \(mode)"
        var fd = dnnl_batch_normalization_desc_t()
        try withUnsafePointer(to: md.raw) { m in
            try dnnlCheck(dnnl_batch_normalization_forward_desc_init(&fd, dnnl_forward_training, m, eps, flags), what)
        }
        let fpd = try DNNLPrimitiveDesc(fd, what: what)
        var bd = dnnl_batch_normalization_desc_t()
        try withUnsafePointer(to: md.raw) { m in
            try dnnlCheck(dnnl_batch_normalization_backward_desc_init(&bd, dnnl_backward, m, m, eps, flags), "backward " + what)
        }
        let bpd = try DNNLPrimitiveDesc(bd, hint: fpd, what: "backward " + what)
        let p = Primitives(forward: try DNNLPrimitive(fpd), backward: try DNNLPrimitive(bpd))
        cache[key] = p
        return p
    }

    /// `x` `[N, C, H, W]` -> same shape.
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        guard x.shape.count == 4, x.shape[1] == channels else {
            throw NNError.badShape("BatchNorm2d(\(channels)): input \(x.shape), expected [N, \(channels), H, W]")
        }
        let m = x.shape[0] * x.shape[2] * x.shape[3]
        if mode == .train && m < 2 {
            throw NNError.badShape("BatchNorm2d: training needs more than 1 value per channel, input \(x.shape)")
        }
        let p = try primitives(for: x.shape, mode: mode)
        let y = try Tensor(zeros: x.shape)
        let mean: DNNLMemory, variance: DNNLMemory
        if mode == .train {
            mean = try DNNLMemory(plain: [channels]); variance = try DNNLMemory(plain: [channels])
        } else {
            mean = runningMean.memory; variance = runningVar.memory
        }
        try p.forward.execute(args: [DNNLArg.src: x.memory, DNNLArg.dst: y.memory,
                                     DNNLArg.scale: weight.value.memory, DNNLArg.shift: bias.value.memory,
                                     DNNLArg.mean: mean, DNNLArg.variance: variance])
        if mode == .train {
            updateRunningStats(mean: mean, biasedVariance: variance, count: m)
            saved = (x, mean, variance)
        } else {
            saved = nil
        }
        return y
    }

    private func updateRunningStats(mean: DNNLMemory, biasedVariance: DNNLMemory, count m: Int) {
        let unbias = Float(m) / Float(m - 1)
        let mom = momentum
        runningMean.withUnsafeMutableBufferPointer { rm in mean.withUnsafeBufferPointer { bm in
            for c in 0..<channels { rm[c] = (1 - mom) * rm[c] + mom * bm[c] }
        } }
        runningVar.withUnsafeMutableBufferPointer { rv in biasedVariance.withUnsafeBufferPointer { bv in
            for c in 0..<channels { rv[c] = (1 - mom) * rv[c] + mom * (bv[c] * unbias) }
        } }
        numBatchesTracked += 1
    }

    /// `dy` -> `dx` through the batch statistics of the last train forward; adds dL/dweight and
    /// dL/dbias into the grads.
    public func backward(_ dy: Tensor) throws -> Tensor {
        guard let s = saved else { throw NNError.badState("BatchNorm2d.backward without a train-mode forward") }
        guard dy.shape == s.x.shape else { throw NNError.badShape("BatchNorm2d.backward: dy \(dy.shape), expected \(s.x.shape)") }
        let p = try primitives(for: s.x.shape, mode: .train)
        let dx = try Tensor(zeros: s.x.shape)
        try p.backward.execute(args: [DNNLArg.src: s.x.memory, DNNLArg.mean: s.mean, DNNLArg.variance: s.variance,
                                      DNNLArg.diffDst: dy.memory, DNNLArg.scale: weight.value.memory,
                                      // oneDNN 2.6 counts SHIFT among the backward inputs when use_shift is set.
                                      DNNLArg.shift: bias.value.memory,
                                      DNNLArg.diffSrc: dx.memory, DNNLArg.diffScale: scaleGradScratch,
                                      DNNLArg.diffShift: shiftGradScratch])
        scaleGradScratch.withUnsafeBufferPointer { weight.grad.accumulate($0) }
        shiftGradScratch.withUnsafeBufferPointer { bias.grad.accumulate($0) }
        return dx
    }

    public func releaseSaved() { saved = nil }
}
