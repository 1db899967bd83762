/// The loops of GroupNorm (and InstanceNorm2d, which is GroupNorm with one channel per group)
/// on row-major NCHW float32. One work item per (image, group): its channels are one contiguous
/// run of `channelsPerGroup * hw` values. Reductions in Double, two-pass variance (as
/// BatchNormKernels). Every sum has a fixed order (per-(n, c) partials, then a serial sum over
/// n), so results do not depend on the thread count.
enum GroupNormKernels {
    struct Geometry {
        let n: Int, channels: Int, groups: Int, hw: Int
        var channelsPerGroup: Int { channels / groups }
        /// Values per (image, group).
        var groupSize: Int { channelsPerGroup * hw }
    }

    /// Mean and 1/sqrt(biased variance + eps) per (n, g), then y = x * alpha + beta per channel
    /// with alpha = invstd * weight, beta = bias - mean * alpha (weight 1, bias 0 when nil).
    static func forward(
        _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>, _ g: Geometry, eps: Double,
        weight: [Float]?, bias: [Float]?, mean: UnsafeMutableBufferPointer<Double>, invStd: UnsafeMutableBufferPointer<Double>
    ) {
        let cpg = g.channelsPerGroup, hw = g.hw, m = Double(g.groupSize)
        parallelChannels(g.n * g.groups) { item in
            let base = item * g.groupSize
            var s = 0.0
            for i in base..<(base + g.groupSize) { s += Double(x[i]) }
            let mu = s / m
            var v = 0.0
            for i in base..<(base + g.groupSize) { let d = Double(x[i]) - mu; v += d * d }
            let inv = 1 / (v / m + eps).squareRoot()
            mean[item] = mu; invStd[item] = inv
            let firstChannel = (item % g.groups) * cpg
            for k in 0..<cpg {
                let c = firstChannel + k
                let a = inv * Double(weight?[c] ?? 1)
                let alpha = Float(a), beta = Float(Double(bias?[c] ?? 0) - mu * a)
                let o = base + k * hw
                for i in o..<(o + hw) { y[i] = x[i] * alpha + beta }
            }
        }
    }

    /// dx = invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) over each (n, g), with
    /// xhat = (x - mean) * invstd and dxhat = dy * weight[c]. Writes per-(n, c) partial sums
    /// of dy * xhat (`dotPartials`) and dy (`sumPartials`), `[N * C]`, for dweight and dbias.
    static func backward(
        x: UnsafeBufferPointer<Float>, dy: UnsafeBufferPointer<Float>, dx: UnsafeMutableBufferPointer<Float>, _ g: Geometry,
        mean: [Double], invStd: [Double], weight: [Float]?,
        dotPartials: UnsafeMutableBufferPointer<Double>, sumPartials: UnsafeMutableBufferPointer<Double>
    ) {
        let cpg = g.channelsPerGroup, hw = g.hw, m = Double(g.groupSize)
        parallelChannels(g.n * g.groups) { item in
            let base = item * g.groupSize, mu = mean[item], inv = invStd[item]
            let firstChannel = (item % g.groups) * cpg, n = item / g.groups
            // Sums of dxhat and dxhat * xhat over the group, and the per-channel partials.
            var sumD = 0.0, sumDX = 0.0
            for k in 0..<cpg {
                let c = firstChannel + k, w = Double(weight?[c] ?? 1), o = base + k * hw
                var s = 0.0, dot = 0.0
                for i in o..<(o + hw) { let d = Double(dy[i]); s += d; dot += d * (Double(x[i]) - mu) * inv }
                sumPartials[n * g.channels + c] = s; dotPartials[n * g.channels + c] = dot
                sumD += w * s; sumDX += w * dot
            }
            let meanD = sumD / m, meanDX = sumDX / m
            for k in 0..<cpg {
                let c = firstChannel + k, w = Double(weight?[c] ?? 1), o = base + k * hw
                for i in o..<(o + hw) {
                    let xhat = (Double(x[i]) - mu) * inv
                    dx[i] = Float(inv * (w * Double(dy[i]) - meanD - xhat * meanDX))
                }
            }
        }
    }
}
