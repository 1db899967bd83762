import Dispatch

/// torch.nn.BatchNorm2d (eps 1e-5, momentum 0.1, affine, tracking running stats).
/// Train: normalise with the batch mean and biased variance over (N, H, W); running_mean and
/// running_var move by momentum, running_var with the UNBIASED batch variance (M / (M - 1));
/// num_batches_tracked += 1. Eval: normalise with the running statistics.
///
/// Works on row-major NCHW and on oneDNN's channel-blocked nChw16c / nChw8c (output in the
/// input's layout). Own loops (`BatchNormKernels`), one channel block per work item, with Double reductions as PyTorch's CPU kernels
/// (`batch_norm_cpu_collect_stats`, `batch_norm_cpu_backward`: accscalar_t = double). oneDNN's
/// float32 one-pass statistics were tried first: ~1e-4 relative variance error, which a
/// ResNet-50 training step amplifies into percent-level gradient differences.
/// Sums values over the replicas of a data-parallel job (synchronised BatchNorm).
public protocol ReplicaReducer: AnyObject {
    func sum(_ values: inout [Double]) throws
}

public final class BatchNorm2d {
    public let channels: Int
    public let eps: Double
    public let momentum: Double
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Tensor
    public let runningVar: Tensor
    public var numBatchesTracked: Int = 0
    /// BatchNorm followed by ReLU in one pass (the networks' conv -> BN -> ReLU): forward writes
    /// max(y, 0), backward takes dL/d(ReLU output) and masks it by that output being positive,
    /// as the separate oneDNN ReLU (`relu_use_dst_for_bwd`) did. Saves a read and a write of the
    /// activation each way, and the ReLU's own output buffer.
    let fusedReLU: Bool
    /// Synchronised BatchNorm (`--sync-bn`): train-mode statistics over every replica's batch,
    /// and dx through them; nil: this process's batch alone.
    public var replicas: ReplicaReducer?
    /// Whether a train-mode forward moves the running statistics (off for the later micro-batches
    /// of a step, so that one part per step updates them, as rank 0's part under MPI).
    public var updatesRunningStatistics = true

    /// After a train forward: the input, the batch mean and 1/sqrt(var + eps) per channel, and
    /// with `fusedReLU` the output (the ReLU mask).
    private var saved: (x: Tensor, mean: [Double], invStd: [Double], y: Tensor?, count: Double)?

    public convenience init(_ channels: Int, eps: Double = 1e-5, momentum: Double = 0.1) throws {
        try self.init(channels, eps: eps, momentum: momentum, fusedReLU: false)
    }

    init(_ channels: Int, eps: Double = 1e-5, momentum: Double = 0.1, fusedReLU: Bool) throws {
        self.channels = channels; self.eps = eps; self.momentum = momentum; self.fusedReLU = fusedReLU
        weight = try Parameter(zeros: [channels]); bias = try Parameter(zeros: [channels])
        weight.value.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
        runningMean = try Tensor(zeros: [channels]); runningVar = try Tensor(zeros: [channels])
        runningVar.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
    }

    /// `t` with its channel block size: 1 for row-major NCHW, 16 / 8 for nChw16c / nChw8c
    /// (`Tensor.spatialPlanes`) when the channels fill whole blocks (the kernels have no padded
    /// channels); any other layout is converted to row-major.
    private func blocked(_ t: Tensor) throws -> (tensor: Tensor, block: Int) {
        let (planes, block, _) = try t.spatialPlanes()
        return channels % block == 0 ? (planes, block) : (try planes.plain(), 1)
    }

    /// `x` `[N, C, H, W]` -> same shape and layout.
    public func forward(_ input: Tensor, mode: ForwardMode) throws -> Tensor {
        guard input.shape.count == 4, input.shape[1] == channels else {
            throw NNError.badShape("BatchNorm2d(\(channels)): input \(input.shape), expected [N, \(channels), H, W]")
        }
        let (x, b) = try blocked(input)
        let (n, c, hw) = (x.shape[0], channels, x.shape[2] * x.shape[3])
        let cb = c / b, m = n * hw
        if mode == .train && m < 2 {
            throw NNError.badShape("BatchNorm2d: training needs more than 1 value per channel, input \(x.shape)")
        }
        let y = try Tensor(output: x.memory.desc)
        var mean = [Double](repeating: 0, count: c), invStd = [Double](repeating: 0, count: c)
        var variance = [Double](repeating: 0, count: c)
        var total = Double(m)  // values per channel the statistics are over
        let geometry = BatchNormKernels.Geometry(n: n, blocks: cb, hw: hw, width: b)
        if mode == .train {
            x.memory.withUnsafeBufferPointer { xs in
                mean.withUnsafeMutableBufferPointer { mb in
                    variance.withUnsafeMutableBufferPointer { vb in
                        BatchNormKernels.statistics(xs, geometry, mean: mb, variance: vb)
                    }
                }
            }
            if let replicas {
                // Sum and sum of squares per channel, and the count, over every replica.
                var sums = [Double](repeating: 0, count: 2 * c + 1)
                for ch in 0..<c {
                    sums[ch] = mean[ch] * Double(m)
                    sums[c + ch] = (variance[ch] + mean[ch] * mean[ch]) * Double(m)
                }
                sums[2 * c] = Double(m)
                try replicas.sum(&sums)
                total = sums[2 * c]
                for ch in 0..<c {
                    mean[ch] = sums[ch] / total
                    variance[ch] = max(sums[c + ch] / total - mean[ch] * mean[ch], 0)
                }
            }
            for ch in 0..<c { invStd[ch] = 1 / (variance[ch] + eps).squareRoot() }
        } else {
            runningMean.withUnsafeBufferPointer { rm in
                runningVar.withUnsafeBufferPointer { rv in
                    for ch in 0..<c { mean[ch] = Double(rm[ch]); invStd[ch] = 1 / (Double(rv[ch]) + eps).squareRoot() }
                }
            }
        }
        // y = x * alpha + beta with alpha = invstd * weight, beta = bias - mean * alpha (PyTorch's form).
        var alpha = [Float](repeating: 0, count: c), beta = [Float](repeating: 0, count: c)
        weight.value.withUnsafeBufferPointer { w in
            bias.value.withUnsafeBufferPointer { bi in
                for ch in 0..<c {
                    let a = invStd[ch] * Double(w[ch])
                    alpha[ch] = Float(a); beta[ch] = Float(Double(bi[ch]) - mean[ch] * a)
                }
            }
        }
        x.memory.withUnsafeBufferPointer { xs in
            y.memory.withUnsafeMutableBufferPointer { ys in
                BatchNormKernels.affine(xs, ys, geometry, alpha: alpha, beta: beta, relu: fusedReLU)
            }
        }
        if mode == .train && updatesRunningStatistics {
            let unbias = total / (total - 1), mom = momentum
            runningMean.withUnsafeMutableBufferPointer { rm in
                runningVar.withUnsafeMutableBufferPointer { rv in
                    for ch in 0..<c {
                        rm[ch] = Float((1 - mom) * Double(rm[ch]) + mom * mean[ch])
                        rv[ch] = Float((1 - mom) * Double(rv[ch]) + mom * variance[ch] * unbias)
                    }
                }
            }
            numBatchesTracked += 1
        }
        if mode == .train {
            saved = (x, mean, invStd, fusedReLU ? y : nil, total)
        } else {
            saved = nil
        }
        return y
    }

    /// `dy` (dL/d(ReLU output) with `fusedReLU`) -> `dx` (in the input's layout) through the batch statistics of the last train
    /// forward (PyTorch's formula: dx = (dy - mean(dy) - (x - mean) * dot * invstd^2 / M) *
    /// invstd * weight with dot = sum(dy * (x - mean))); adds dweight = dot * invstd and
    /// dbias = sum(dy) into the grads. The saved input is released.
    public func backward(_ dyAny: Tensor) throws -> Tensor {
        guard let s = saved else { throw NNError.badState("BatchNorm2d.backward without a train-mode forward") }
        guard dyAny.shape == s.x.shape else { throw NNError.badShape("BatchNorm2d.backward: dy \(dyAny.shape), expected \(s.x.shape)") }
        saved = nil
        let (x, b) = try blocked(s.x)
        let dy = try dyAny.inLayout(x.memory.desc)
        // y was made in x's layout (blocked() already applied on the forward input).
        let reluOutput = try s.y?.inLayout(x.memory.desc)
        let (n, c, hw) = (x.shape[0], channels, x.shape[2] * x.shape[3])
        let cb = c / b
        let dx = try Tensor(output: x.memory.desc)
        var sums = [Double](repeating: 0, count: c), dots = [Double](repeating: 0, count: c)
        let w = weight.value.host.data
        let geometry = BatchNormKernels.Geometry(n: n, blocks: cb, hw: hw, width: b)
        let global: ((inout [Double]) throws -> Double)? = replicas.map { r in
            { values in
                try r.sum(&values); return s.count
            }
        }
        func run(_ mask: UnsafeBufferPointer<Float>?) throws {
            try x.memory.withUnsafeBufferPointer { xs in
                try dy.memory.withUnsafeBufferPointer { g in
                    try dx.memory.withUnsafeMutableBufferPointer { d in
                        try sums.withUnsafeMutableBufferPointer { sb in
                            try dots.withUnsafeMutableBufferPointer { db in
                                try BatchNormKernels.backward(
                                    x: xs, dy: g, dx: d, geometry, mean: s.mean, invStd: s.invStd, weight: w, sums: sb, dots: db,
                                    reluOutput: mask, global: global)
                            }
                        }
                    }
                }
            }
        }
        if let r = reluOutput { try r.memory.withUnsafeBufferPointer { try run($0) } } else { try run(nil) }
        weight.grad.withUnsafeMutableBufferPointer { gw in
            bias.grad.withUnsafeMutableBufferPointer { gb in
                for ch in 0..<c { gw[ch] += Float(dots[ch] * s.invStd[ch]); gb[ch] += Float(sums[ch]) }
            }
        }
        return dx
    }

    public func releaseSaved() { saved = nil }
}

/// Runs `body(channel)` for every channel, split over `ComputeOptions.current.threads` workers.
func parallelChannels(_ count: Int, _ body: (Int) -> Void) {
    let workers = min(ComputeOptions.current.threads, count)
    if workers <= 1 { for ch in 0..<count { body(ch) }; return }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var ch = w
            while ch < count { body(ch); ch += workers }
        }
    }
}
