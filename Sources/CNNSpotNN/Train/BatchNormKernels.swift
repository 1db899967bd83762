/// The loops of `BatchNorm2d` over a channel-blocked layout: element (n, channel k of block
/// `blk`, position j) sits at `((n * blocks + blk) * hw + j) * width + k` (`width` 1 is
/// row-major NCHW, 16 is oneDNN's nChw16c). One work item per channel block; reductions in
/// Double. Width 16 takes a SIMD path (16 floats = one AVX-512 register, two of Double).
enum BatchNormKernels {
    struct Geometry {
        let n: Int, blocks: Int, hw: Int, width: Int
        var channels: Int { blocks * width }
        var perChannel: Int { n * hw }
        func offset(_ i: Int, _ blk: Int, _ j: Int) -> Int { ((i * blocks + blk) * hw + j) * width }
    }

    /// Per-channel mean and biased variance (two passes).
    static func statistics(
        _ x: UnsafeBufferPointer<Float>, _ g: Geometry, mean: UnsafeMutableBufferPointer<Double>,
        variance: UnsafeMutableBufferPointer<Double>
    ) {
        let m = Double(g.perChannel)
        parallelChannels(g.blocks) { blk in
            if g.width == 16 {
                let base = UnsafeRawPointer(x.baseAddress!)
                var s0 = SIMD8<Double>(), s1 = SIMD8<Double>()
                for i in 0..<g.n {
                    for j in 0..<g.hw {
                        let v = base.loadUnaligned(fromByteOffset: g.offset(i, blk, j) * 4, as: SIMD16<Float>.self)
                        s0 += SIMD8<Double>(v.lowHalf); s1 += SIMD8<Double>(v.highHalf)
                    }
                }
                let mu0 = s0 / m, mu1 = s1 / m
                var q0 = SIMD8<Double>(), q1 = SIMD8<Double>()
                for i in 0..<g.n {
                    for j in 0..<g.hw {
                        let v = base.loadUnaligned(fromByteOffset: g.offset(i, blk, j) * 4, as: SIMD16<Float>.self)
                        let d0 = SIMD8<Double>(v.lowHalf) - mu0, d1 = SIMD8<Double>(v.highHalf) - mu1
                        q0 += d0 * d0; q1 += d1 * d1
                    }
                }
                for k in 0..<8 {
                    mean[blk * 16 + k] = mu0[k]; mean[blk * 16 + 8 + k] = mu1[k]
                    variance[blk * 16 + k] = q0[k] / m; variance[blk * 16 + 8 + k] = q1[k] / m
                }
                return
            }
            let b = g.width
            var acc = [Double](repeating: 0, count: b)
            for i in 0..<g.n {
                for j in 0..<g.hw {
                    let o = g.offset(i, blk, j)
                    for k in 0..<b { acc[k] += Double(x[o + k]) }
                }
            }
            let mu = acc.map { $0 / m }
            for k in 0..<b { acc[k] = 0 }
            for i in 0..<g.n {
                for j in 0..<g.hw {
                    let o = g.offset(i, blk, j)
                    for k in 0..<b { let d = Double(x[o + k]) - mu[k]; acc[k] += d * d }
                }
            }
            for k in 0..<b { mean[blk * b + k] = mu[k]; variance[blk * b + k] = acc[k] / m }
        }
    }

    /// y = x * alpha[c] + beta[c]; with `relu`, then max(y, 0) in the same pass (negative -> 0,
    /// NaN kept, as torch.relu), sparing the network a separate ReLU pass over the tensor.
    static func affine(
        _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>, _ g: Geometry,
        alpha: [Float], beta: [Float], relu: Bool = false
    ) {
        parallelChannels(g.blocks) { blk in
            if g.width == 16 {
                let src = UnsafeRawPointer(x.baseAddress!), dst = UnsafeMutableRawPointer(y.baseAddress!)
                var a = SIMD16<Float>(), c = SIMD16<Float>()
                for k in 0..<16 { a[k] = alpha[blk * 16 + k]; c[k] = beta[blk * 16 + k] }
                for i in 0..<g.n {
                    for j in 0..<g.hw {
                        let o = g.offset(i, blk, j) * 4
                        let v = src.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                        var r = v * a + c
                        if relu { r.replace(with: 0, where: r .< 0) }
                        dst.storeBytes(of: r, toByteOffset: o, as: SIMD16<Float>.self)
                    }
                }
                return
            }
            let b = g.width
            for i in 0..<g.n {
                for j in 0..<g.hw {
                    let o = g.offset(i, blk, j)
                    for k in 0..<b {
                        let r = x[o + k] * alpha[blk * b + k] + beta[blk * b + k]
                        y[o + k] = relu && r < 0 ? 0 : r
                    }
                }
            }
        }
    }

    /// sums[c] = sum(dy), dots[c] = sum(dy * (x - mean)), then
    /// dx = (dy - sum/M - (x - mean) * dot * invstd^2 / M) * invstd * weight.
    /// With `reluOutput` (the output of a fused ReLU, same layout), dy is first replaced by
    /// `reluOutput > 0 ? dy : 0` (oneDNN's relu_use_dst_for_bwd, as the separate ReLU did).
    static func backward(
        x: UnsafeBufferPointer<Float>, dy: UnsafeBufferPointer<Float>, dx: UnsafeMutableBufferPointer<Float>,
        _ g: Geometry, mean: [Double], invStd: [Double], weight: [Float],
        sums: UnsafeMutableBufferPointer<Double>, dots: UnsafeMutableBufferPointer<Double>,
        reluOutput: UnsafeBufferPointer<Float>? = nil, global: ((inout [Double]) throws -> Double)? = nil
    ) throws {
        backwardReduce(x: x, dy: dy, g, mean: mean, sums: sums, dots: dots, reluOutput: reluOutput)
        var m = Double(g.perChannel)
        var gs = Array(sums), gd = Array(dots)
        if let global {
            // Synchronised BatchNorm: dx needs the sums over every replica's batch (the
            // parameters' gradients keep the local ones; the replicas' gradients are summed later).
            var both = gs + gd
            m = try global(&both)
            gs = Array(both[..<sums.count]); gd = Array(both[sums.count...])
        }
        backwardApply(
            x: x, dy: dy, dx: dx, g, mean: mean, invStd: invStd, weight: weight, sums: gs, dots: gd, count: m,
            reluOutput: reluOutput)
    }

    /// Per channel: `sums` = sum(dy), `dots` = sum(dy * (x - mean)) (dy masked by the ReLU output).
    static func backwardReduce(
        x: UnsafeBufferPointer<Float>, dy: UnsafeBufferPointer<Float>, _ g: Geometry, mean: [Double],
        sums: UnsafeMutableBufferPointer<Double>, dots: UnsafeMutableBufferPointer<Double>,
        reluOutput: UnsafeBufferPointer<Float>?
    ) {
        let ys = reluOutput.map { UnsafeRawPointer($0.baseAddress!) }
        parallelChannels(g.blocks) { blk in
            let b = g.width
            if b == 16 {
                let xs = UnsafeRawPointer(x.baseAddress!), gs = UnsafeRawPointer(dy.baseAddress!)
                var mu0 = SIMD8<Double>(), mu1 = SIMD8<Double>()
                for k in 0..<8 { mu0[k] = mean[blk * 16 + k]; mu1[k] = mean[blk * 16 + 8 + k] }
                var s0 = SIMD8<Double>(), s1 = SIMD8<Double>(), t0 = SIMD8<Double>(), t1 = SIMD8<Double>()
                for i in 0..<g.n {
                    for j in 0..<g.hw {
                        let o = g.offset(i, blk, j) * 4
                        let v = xs.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                        var w = gs.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                        if let ys { w.replace(with: 0, where: .!(ys.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self) .> 0)) }
                        let g0 = SIMD8<Double>(w.lowHalf), g1 = SIMD8<Double>(w.highHalf)
                        s0 += g0; s1 += g1
                        t0 += (SIMD8<Double>(v.lowHalf) - mu0) * g0; t1 += (SIMD8<Double>(v.highHalf) - mu1) * g1
                    }
                }
                for k in 0..<16 {
                    let ch = blk * 16 + k
                    sums[ch] = k < 8 ? s0[k] : s1[k - 8]; dots[ch] = k < 8 ? t0[k] : t1[k - 8]
                }
                return
            }
            func maskedDy(_ i: Int) -> Float { reluOutput.map { $0[i] > 0 ? dy[i] : 0 } ?? dy[i] }
            let mu = (0..<b).map { mean[blk * b + $0] }
            var sum = [Double](repeating: 0, count: b), dot = [Double](repeating: 0, count: b)
            for i in 0..<g.n {
                for j in 0..<g.hw {
                    let o = g.offset(i, blk, j)
                    for k in 0..<b {
                        let gv = Double(maskedDy(o + k)); sum[k] += gv; dot[k] += (Double(x[o + k]) - mu[k]) * gv
                    }
                }
            }
            for k in 0..<b { sums[blk * b + k] = sum[k]; dots[blk * b + k] = dot[k] }
        }
    }

    /// dx = (dy - sum / M - (x - mean) * dot * invstd^2 / M) * invstd * weight, with the channel
    /// sums of `backwardReduce` over M = `count` values per channel.
    static func backwardApply(
        x: UnsafeBufferPointer<Float>, dy: UnsafeBufferPointer<Float>, dx: UnsafeMutableBufferPointer<Float>,
        _ g: Geometry, mean: [Double], invStd: [Double], weight: [Float], sums: [Double], dots: [Double],
        count m: Double, reluOutput: UnsafeBufferPointer<Float>?
    ) {
        let ys = reluOutput.map { UnsafeRawPointer($0.baseAddress!) }
        parallelChannels(g.blocks) { blk in
            let b = g.width
            if b == 16 {
                let xs = UnsafeRawPointer(x.baseAddress!), gs = UnsafeRawPointer(dy.baseAddress!)
                let ds = UnsafeMutableRawPointer(dx.baseAddress!)
                var gm = SIMD16<Float>(), pj = SIMD16<Float>(), sc = SIMD16<Float>(), mf = SIMD16<Float>()
                for k in 0..<16 {
                    let ch = blk * 16 + k
                    gm[k] = Float(sums[ch] / m); pj[k] = Float(dots[ch] * invStd[ch] * invStd[ch] / m)
                    sc[k] = Float(invStd[ch] * Double(weight[ch])); mf[k] = Float(mean[ch])
                }
                for i in 0..<g.n {
                    for j in 0..<g.hw {
                        let o = g.offset(i, blk, j) * 4
                        let v = xs.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                        var w = gs.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self)
                        if let ys { w.replace(with: 0, where: .!(ys.loadUnaligned(fromByteOffset: o, as: SIMD16<Float>.self) .> 0)) }
                        ds.storeBytes(of: (w - gm - (v - mf) * pj) * sc, toByteOffset: o, as: SIMD16<Float>.self)
                    }
                }
                return
            }
            func maskedDy(_ i: Int) -> Float { reluOutput.map { $0[i] > 0 ? dy[i] : 0 } ?? dy[i] }
            var gradMean = [Float](repeating: 0, count: b), proj = gradMean, scale = gradMean, muF = gradMean
            for k in 0..<b {
                let ch = blk * b + k
                gradMean[k] = Float(sums[ch] / m); proj[k] = Float(dots[ch] * invStd[ch] * invStd[ch] / m)
                scale[k] = Float(invStd[ch] * Double(weight[ch])); muF[k] = Float(mean[ch])
            }
            for i in 0..<g.n {
                for j in 0..<g.hw {
                    let o = g.offset(i, blk, j)
                    for k in 0..<b { dx[o + k] = (maskedDy(o + k) - gradMean[k] - (x[o + k] - muF[k]) * proj[k]) * scale[k] }
                }
            }
        }
    }
}
