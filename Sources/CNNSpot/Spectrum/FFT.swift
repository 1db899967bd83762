import Foundation

/// A plan for the unnormalised forward DFT of one length, numpy's convention:
/// `X[k] = sum_j x[j] * exp(-2 pi i j k / n)` (`numpy.fft.fft`).
/// Powers of two use an iterative radix-2 Cooley-Tukey transform; other lengths use Bluestein's
/// chirp-z algorithm (a circular convolution done with radix-2 transforms of length >= 2n - 1).
/// All arithmetic is Double; twiddles are computed directly with cos/sin (no recurrences).
public struct FFTPlan: Sendable {
    public let count: Int
    private let kind: Kind

    private enum Kind: Sendable {
        case trivial
        case radix2(Radix2)
        case bluestein(Bluestein)
    }

    public init(count n: Int) {
        precondition(n >= 1, "FFTPlan: length \(n) must be at least 1")
        count = n
        if n == 1 {
            kind = .trivial
        } else if n & (n - 1) == 0 {
            kind = .radix2(Radix2(n))
        } else {
            kind = .bluestein(Bluestein(n))
        }
    }

    /// Transforms `re`/`im` (each `count` long) in place.
    public func forward(re: inout [Double], im: inout [Double]) {
        precondition(re.count == count && im.count == count, "FFTPlan: buffers must hold \(count) values")
        switch kind {
        case .trivial: return
        case .radix2(let p): p.run(&re, &im)
        case .bluestein(let p): p.run(&re, &im)
        }
    }
}

/// In-place iterative radix-2 transform (bit-reversal permutation, then butterflies).
private struct Radix2: Sendable {
    let n: Int
    let cosTable: [Double], sinTable: [Double]  // exp(-2 pi i k / n) = cos - i sin, k < n/2
    let reversed: [Int]

    init(_ n: Int) {
        self.n = n
        cosTable = (0..<n / 2).map { cos(2 * Double.pi * Double($0) / Double(n)) }
        sinTable = (0..<n / 2).map { sin(2 * Double.pi * Double($0) / Double(n)) }
        let bits = n.trailingZeroBitCount
        reversed = (0..<n).map { i in
            var r = 0, v = i
            for _ in 0..<bits { r = (r << 1) | (v & 1); v >>= 1 }
            return r
        }
    }

    func run(_ re: inout [Double], _ im: inout [Double]) {
        for i in 0..<n where reversed[i] > i {
            re.swapAt(i, reversed[i]); im.swapAt(i, reversed[i])
        }
        var half = 1
        while half < n {
            let step = n / (2 * half)
            for start in stride(from: 0, to: n, by: 2 * half) {
                for j in 0..<half {
                    let wr = cosTable[j * step], wi = -sinTable[j * step]
                    let a = start + j, b = a + half
                    let tr = re[b] * wr - im[b] * wi
                    let ti = re[b] * wi + im[b] * wr
                    re[b] = re[a] - tr; im[b] = im[a] - ti
                    re[a] += tr; im[a] += ti
                }
            }
            half *= 2
        }
    }
}

/// Bluestein: `X[k] = conj(c[k]) * sum_j (x[j] conj(c[j])) c[k - j]` with the chirp
/// `c[j] = exp(i pi j^2 / n)`; the sum is a circular convolution of length `m`.
private struct Bluestein: Sendable {
    let n: Int, m: Int
    let chirpCos: [Double], chirpSin: [Double]  // c[j] = chirpCos[j] + i chirpSin[j]
    let kernelRe: [Double], kernelIm: [Double]  // FFT of the chirp laid out circularly
    let inner: Radix2

    init(_ n: Int) {
        self.n = n
        var m = 1
        while m < 2 * n - 1 { m <<= 1 }
        self.m = m
        // j^2 mod 2n keeps the angle small, so cos/sin stay exact to an ulp for large j.
        let angles = (0..<n).map { j -> Double in Double.pi * Double((j * j) % (2 * n)) / Double(n) }
        chirpCos = angles.map(cos)
        chirpSin = angles.map(sin)
        inner = Radix2(m)
        var kr = [Double](repeating: 0, count: m), ki = [Double](repeating: 0, count: m)
        for j in 0..<n {
            kr[j] = chirpCos[j]; ki[j] = chirpSin[j]
            if j > 0 { kr[m - j] = chirpCos[j]; ki[m - j] = chirpSin[j] }
        }
        inner.run(&kr, &ki)
        kernelRe = kr; kernelIm = ki
    }

    func run(_ re: inout [Double], _ im: inout [Double]) {
        var ar = [Double](repeating: 0, count: m), ai = [Double](repeating: 0, count: m)
        for j in 0..<n {  // a = x * conj(c)
            ar[j] = re[j] * chirpCos[j] + im[j] * chirpSin[j]
            ai[j] = im[j] * chirpCos[j] - re[j] * chirpSin[j]
        }
        inner.run(&ar, &ai)
        for k in 0..<m {  // multiply spectra, conjugate for the inverse transform
            let r = ar[k] * kernelRe[k] - ai[k] * kernelIm[k]
            let i = ar[k] * kernelIm[k] + ai[k] * kernelRe[k]
            ar[k] = r; ai[k] = -i
        }
        inner.run(&ar, &ai)  // inverse = conj(FFT(conj(.))) / m
        let scale = 1 / Double(m)
        for k in 0..<n {
            let cr = ar[k] * scale, ci = -ai[k] * scale
            re[k] = cr * chirpCos[k] + ci * chirpSin[k]  // times conj(c[k])
            im[k] = ci * chirpCos[k] - cr * chirpSin[k]
        }
    }
}
