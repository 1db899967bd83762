/// Reduction and residual mixing shared by the generator families.
enum SynthDownsample {
    /// `[N, C, H, W]` -> `[N, C, H/f, W/f]`, each output the mean of its f x f block (H, W
    /// multiples of f), summed in Float in row order.
    static func box(_ x: HostTensor, factor f: Int) -> HostTensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        precondition(h % f == 0 && w % f == 0)
        let oh = h / f, ow = w / f, inv = 1 / Float(f * f)
        var out = [Float](repeating: 0, count: n * c * oh * ow)
        for p in 0..<n * c {
            for y in 0..<oh {
                for xx in 0..<ow {
                    var s: Float = 0
                    for dy in 0..<f { for dx in 0..<f { s += x.data[(p * h + y * f + dy) * w + xx * f + dx] } }
                    out[(p * oh + y) * ow + xx] = s * inv
                }
            }
        }
        return HostTensor(shape: [n, c, oh, ow], data: out)
    }
}

enum SynthResidual {
    /// `base + rms * r' / rms(r')` with `r'` = `residual` minus each channel's mean (Double sums
    /// in order); a zero residual adds nothing.
    static func add(base: HostTensor, residual: HostTensor, rms: Double) -> HostTensor {
        precondition(base.shape == residual.shape)
        let c = base.shape[1], plane = base.shape[2] * base.shape[3]
        var centred = residual.data
        var sq = 0.0
        for p in 0..<base.shape[0] * c {
            let lo = p * plane
            var s = 0.0
            for i in lo..<lo + plane { s += Double(residual.data[i]) }
            let mean = s / Double(plane)
            for i in lo..<lo + plane { let d = Double(residual.data[i]) - mean; centred[i] = Float(d); sq += d * d }
        }
        let r = (sq / Double(centred.count)).squareRoot()
        let k = r > 0 && r.isFinite ? Float(rms / r) : 0
        return HostTensor(shape: base.shape, data: zip(base.data, centred).map { $0 + k * $1 })
    }
}
