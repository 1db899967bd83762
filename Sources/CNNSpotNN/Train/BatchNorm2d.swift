import Dispatch

/// torch.nn.BatchNorm2d (eps 1e-5, momentum 0.1, affine, tracking running stats).
/// Train: normalise with the batch mean and biased variance over (N, H, W); running_mean and
/// running_var move by momentum, running_var with the UNBIASED batch variance (M / (M - 1));
/// num_batches_tracked += 1. Eval: normalise with the running statistics.
///
/// Own loops, one channel per work item, with Double reductions as PyTorch's CPU kernels
/// (`batch_norm_cpu_collect_stats`, `batch_norm_cpu_backward`: accscalar_t = double). oneDNN's
/// float32 one-pass statistics were tried first: ~1e-4 relative variance error, which a
/// ResNet-50 training step amplifies into percent-level gradient differences.
public final class BatchNorm2d {
    public let channels: Int
    public let eps: Double
    public let momentum: Double
    public let weight: Parameter
    public let bias: Parameter
    public let runningMean: Tensor
    public let runningVar: Tensor
    public var numBatchesTracked: Int = 0

    /// After a train forward: the input and the batch mean and 1/sqrt(var + eps) per channel.
    private var saved: (x: Tensor, mean: [Double], invStd: [Double])?

    public init(_ channels: Int, eps: Double = 1e-5, momentum: Double = 0.1) throws {
        self.channels = channels; self.eps = eps; self.momentum = momentum
        weight = try Parameter(zeros: [channels]); bias = try Parameter(zeros: [channels])
        weight.value.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
        runningMean = try Tensor(zeros: [channels]); runningVar = try Tensor(zeros: [channels])
        runningVar.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
    }

    /// `x` `[N, C, H, W]` -> same shape.
    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        guard x.shape.count == 4, x.shape[1] == channels else {
            throw NNError.badShape("BatchNorm2d(\(channels)): input \(x.shape), expected [N, \(channels), H, W]")
        }
        let (n, c, hw) = (x.shape[0], channels, x.shape[2] * x.shape[3])
        let m = n * hw
        if mode == .train && m < 2 {
            throw NNError.badShape("BatchNorm2d: training needs more than 1 value per channel, input \(x.shape)")
        }
        let y = try Tensor(zeros: x.shape)
        var mean = [Double](repeating: 0, count: c), invStd = [Double](repeating: 0, count: c)
        var variance = [Double](repeating: 0, count: c)
        if mode == .train {
            x.withUnsafeBufferPointer { xs in
                mean.withUnsafeMutableBufferPointer { mb in variance.withUnsafeMutableBufferPointer { vb in
                    parallelChannels(c) { ch in
                        var s = 0.0
                        for i in 0..<n { let base = (i * c + ch) * hw; for j in 0..<hw { s += Double(xs[base + j]) } }
                        let mu = s / Double(m)
                        var q = 0.0
                        for i in 0..<n { let base = (i * c + ch) * hw; for j in 0..<hw { let d = Double(xs[base + j]) - mu; q += d * d } }
                        mb[ch] = mu; vb[ch] = q / Double(m)
                    }
                } }
            }
            for ch in 0..<c { invStd[ch] = 1 / (variance[ch] + eps).squareRoot() }
        } else {
            runningMean.withUnsafeBufferPointer { rm in runningVar.withUnsafeBufferPointer { rv in
                for ch in 0..<c { mean[ch] = Double(rm[ch]); invStd[ch] = 1 / (Double(rv[ch]) + eps).squareRoot() }
            } }
        }
        // y = x * alpha + beta with alpha = invstd * weight, beta = bias - mean * alpha (PyTorch's form).
        weight.value.withUnsafeBufferPointer { w in bias.value.withUnsafeBufferPointer { b in
            x.withUnsafeBufferPointer { xs in y.withUnsafeMutableBufferPointer { ys in
                parallelChannels(c) { ch in
                    let alpha = invStd[ch] * Double(w[ch])
                    let a = Float(alpha), be = Float(Double(b[ch]) - mean[ch] * alpha)
                    for i in 0..<n { let base = (i * c + ch) * hw; for j in 0..<hw { ys[base + j] = xs[base + j] * a + be } }
                }
            } }
        } }
        if mode == .train {
            let unbias = Double(m) / Double(m - 1), mom = momentum
            runningMean.withUnsafeMutableBufferPointer { rm in runningVar.withUnsafeMutableBufferPointer { rv in
                for ch in 0..<c {
                    rm[ch] = Float((1 - mom) * Double(rm[ch]) + mom * mean[ch])
                    rv[ch] = Float((1 - mom) * Double(rv[ch]) + mom * variance[ch] * unbias)
                }
            } }
            numBatchesTracked += 1
            saved = (x, mean, invStd)
        } else {
            saved = nil
        }
        return y
    }

    /// `dy` -> `dx` through the batch statistics of the last train forward (PyTorch's
    /// formula: dx = (dy - mean(dy) - (x - mean) * dot * invstd^2 / M) * invstd * weight with
    /// dot = sum(dy * (x - mean))); adds dweight = dot * invstd and dbias = sum(dy) into the grads.
    /// The saved input is released.
    public func backward(_ dy: Tensor) throws -> Tensor {
        guard let s = saved else { throw NNError.badState("BatchNorm2d.backward without a train-mode forward") }
        guard dy.shape == s.x.shape else { throw NNError.badShape("BatchNorm2d.backward: dy \(dy.shape), expected \(s.x.shape)") }
        saved = nil
        let (n, c, hw) = (s.x.shape[0], channels, s.x.shape[2] * s.x.shape[3])
        let m = Double(n * hw)
        let dx = try Tensor(zeros: s.x.shape)
        var sums = [Double](repeating: 0, count: c), dots = [Double](repeating: 0, count: c)
        weight.value.withUnsafeBufferPointer { w in
            s.x.withUnsafeBufferPointer { xs in dy.withUnsafeBufferPointer { g in dx.withUnsafeMutableBufferPointer { d in
                sums.withUnsafeMutableBufferPointer { sb in dots.withUnsafeMutableBufferPointer { db in
                    parallelChannels(c) { ch in
                        let mu = s.mean[ch]
                        var sum = 0.0, dot = 0.0
                        for i in 0..<n {
                            let base = (i * c + ch) * hw
                            for j in 0..<hw { let gv = Double(g[base + j]); sum += gv; dot += (Double(xs[base + j]) - mu) * gv }
                        }
                        sb[ch] = sum; db[ch] = dot
                        let invStd = s.invStd[ch]
                        let gradMean = Float(sum / m), proj = Float(dot * invStd * invStd / m)
                        let scale = Float(invStd * Double(w[ch])), muF = Float(mu)
                        for i in 0..<n {
                            let base = (i * c + ch) * hw
                            for j in 0..<hw { d[base + j] = (g[base + j] - gradMean - (xs[base + j] - muF) * proj) * scale }
                        }
                    }
                } }
            } } }
        }
        weight.grad.withUnsafeMutableBufferPointer { gw in bias.grad.withUnsafeMutableBufferPointer { gb in
            for ch in 0..<c { gw[ch] += Float(dots[ch] * s.invStd[ch]); gb[ch] += Float(sums[ch]) }
        } }
        return dx
    }

    public func releaseSaved() { saved = nil }
}

/// Runs `body(channel)` for every channel, split over `NNThreads.count` workers.
func parallelChannels(_ count: Int, _ body: (Int) -> Void) {
    let workers = min(NNThreads.count, count)
    if workers <= 1 { for ch in 0..<count { body(ch) }; return }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var ch = w
            while ch < count { body(ch); ch += workers }
        }
    }
}
