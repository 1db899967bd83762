import XCTest
import CNNSpotNN

/// llm.c-style checks: naive Double kernels (written from the definitions, beside the fast
/// ones), their backward checked by central finite differences, and the fast float32 layers
/// (oneDNN convolution, BatchNorm2d loops) checked against them on shapes the fixtures do not use.
final class TrainNaiveReferenceTests: XCTestCase {
    // MARK: naive kernels, NCHW row-major, Double

    struct Shape4 { let n, c, h, w: Int; var count: Int { n * c * h * w } }

    /// y[n, o, i, j] = sum_{c, u, v} x[n, c, i*s - p + u, j*s - p + v] * w[o, c, u, v] (zero outside).
    static func convForward(_ x: [Double], _ xs: Shape4, _ w: [Double], out: Int, k: Int, s: Int, p: Int) -> ([Double], Shape4) {
        let oh = (xs.h + 2 * p - k) / s + 1, ow = (xs.w + 2 * p - k) / s + 1
        let ys = Shape4(n: xs.n, c: out, h: oh, w: ow)
        var y = [Double](repeating: 0, count: ys.count)
        for n in 0..<xs.n {
            for o in 0..<out {
                for i in 0..<oh {
                    for j in 0..<ow {
                        var acc = 0.0
                        for c in 0..<xs.c {
                            for u in 0..<k {
                                for v in 0..<k {
                                    let r = i * s - p + u, q = j * s - p + v
                                    if r >= 0 && r < xs.h && q >= 0 && q < xs.w {
                                        acc += x[((n * xs.c + c) * xs.h + r) * xs.w + q] * w[((o * xs.c + c) * k + u) * k + v]
                                    }
                                }
                            }
                        }
                        y[((n * out + o) * oh + i) * ow + j] = acc
                    }
                }
            }
        }
        return (y, ys)
    }

    /// The adjoint of convForward: dx and dw from dy.
    static func convBackward(_ x: [Double], _ xs: Shape4, _ w: [Double], _ dy: [Double], out: Int, k: Int, s: Int, p: Int) -> ([Double], [Double]) {
        let oh = (xs.h + 2 * p - k) / s + 1, ow = (xs.w + 2 * p - k) / s + 1
        var dx = [Double](repeating: 0, count: xs.count), dw = [Double](repeating: 0, count: w.count)
        for n in 0..<xs.n {
            for o in 0..<out {
                for i in 0..<oh {
                    for j in 0..<ow {
                        let g = dy[((n * out + o) * oh + i) * ow + j]
                        for c in 0..<xs.c {
                            for u in 0..<k {
                                for v in 0..<k {
                                    let r = i * s - p + u, q = j * s - p + v
                                    if r >= 0 && r < xs.h && q >= 0 && q < xs.w {
                                        let xi = ((n * xs.c + c) * xs.h + r) * xs.w + q, wi = ((o * xs.c + c) * k + u) * k + v
                                        dx[xi] += g * w[wi]; dw[wi] += g * x[xi]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dx, dw)
    }

    /// Train-mode batch norm: y = (x - mean) / sqrt(var + eps) * gamma + beta, biased var over (N, H, W).
    static func bnForward(_ x: [Double], _ xs: Shape4, _ gamma: [Double], _ beta: [Double], eps: Double = 1e-5) -> [Double] {
        var y = x
        let hw = xs.h * xs.w, m = Double(xs.n * hw)
        for c in 0..<xs.c {
            var mean = 0.0, v = 0.0
            for n in 0..<xs.n { for j in 0..<hw { mean += x[(n * xs.c + c) * hw + j] } }
            mean /= m
            for n in 0..<xs.n { for j in 0..<hw { let d = x[(n * xs.c + c) * hw + j] - mean; v += d * d } }
            v /= m
            for n in 0..<xs.n { for j in 0..<hw { let i = (n * xs.c + c) * hw + j; y[i] = (x[i] - mean) / (v + eps).squareRoot() * gamma[c] + beta[c] } }
        }
        return y
    }

    /// Its gradient, derived by hand: dx = gamma * invstd * (dy - mean(dy) - xhat * mean(dy * xhat)).
    static func bnBackward(_ x: [Double], _ xs: Shape4, _ gamma: [Double], _ dy: [Double], eps: Double = 1e-5) -> (
        dx: [Double], dgamma: [Double], dbeta: [Double]
    ) {
        var dx = x, dg = [Double](repeating: 0, count: xs.c), db = dg
        let hw = xs.h * xs.w, m = Double(xs.n * hw)
        for c in 0..<xs.c {
            var idx: [Int] = []
            for n in 0..<xs.n { for j in 0..<hw { idx.append((n * xs.c + c) * hw + j) } }
            let mean = idx.reduce(0.0) { $0 + x[$1] } / m
            let v = idx.reduce(0.0) { $0 + (x[$1] - mean) * (x[$1] - mean) } / m
            let invstd = 1 / (v + eps).squareRoot()
            let sumDy = idx.reduce(0.0) { $0 + dy[$1] }
            let sumDyXhat = idx.reduce(0.0) { $0 + dy[$1] * (x[$1] - mean) * invstd }
            dg[c] = sumDyXhat; db[c] = sumDy
            for i in idx { dx[i] = gamma[c] * invstd * (dy[i] - sumDy / m - (x[i] - mean) * invstd * sumDyXhat / m) }
        }
        return (dx, dg, db)
    }

    // MARK: helpers

    private var rng = InitRandom(seed: 42)
    private func randoms(_ n: Int) -> [Double] { (0..<n).map { _ in rng.normal() } }

    /// Central differences of L = sum(f(v) * r) with respect to v[i], for a spread of indices.
    private func finiteDifference(_ v: [Double], _ r: [Double], indices: [Int], h: Double = 1e-5, _ f: ([Double]) -> [Double]) -> [Double] {
        indices.map { i in
            var plus = v, minus = v
            plus[i] += h; minus[i] -= h
            let lp = zip(f(plus), r).reduce(0.0) { $0 + $1.0 * $1.1 }, lm = zip(f(minus), r).reduce(0.0) { $0 + $1.0 * $1.1 }
            return (lp - lm) / (2 * h)
        }
    }

    private func worstRelative(_ a: [Double], _ b: [Double]) -> Double {
        let scale = max(b.map { abs($0) }.max() ?? 1, 1e-12)
        return zip(a, b).map { abs($0 - $1) / scale }.max() ?? 0
    }

    private func host(_ v: [Double], _ s: Shape4) -> HostTensor { HostTensor(shape: [s.n, s.c, s.h, s.w], data: v.map { Float($0) }) }

    // MARK: tests

    func testNaiveConvBackwardMatchesFiniteDifferences() {
        let xs = Shape4(n: 2, c: 3, h: 7, w: 6), (out, k, s, p) = (4, 3, 2, 1)
        let x = randoms(xs.count), w = randoms(out * xs.c * k * k)
        let (y, _) = Self.convForward(x, xs, w, out: out, k: k, s: s, p: p)
        let r = randoms(y.count)
        let (dx, dw) = Self.convBackward(x, xs, w, r, out: out, k: k, s: s, p: p)
        let xi = Array(stride(from: 0, to: x.count, by: 7)), wi = Array(stride(from: 0, to: w.count, by: 5))
        let fdx = finiteDifference(x, r, indices: xi) { Self.convForward($0, xs, w, out: out, k: k, s: s, p: p).0 }
        let fdw = finiteDifference(w, r, indices: wi) { Self.convForward(x, xs, $0, out: out, k: k, s: s, p: p).0 }
        let ex = worstRelative(xi.map { dx[$0] }, fdx), ew = worstRelative(wi.map { dw[$0] }, fdw)
        print("[nn-train] naive conv backward vs central differences: dx \(ex), dw \(ew) (relative to max, tol 1e-7)")
        // Convolution is linear: central differences are exact up to Double rounding (~1e-10).
        XCTAssertLessThan(ex, 1e-7); XCTAssertLessThan(ew, 1e-7)
    }

    func testNaiveBatchNormBackwardMatchesFiniteDifferences() {
        let xs = Shape4(n: 3, c: 2, h: 3, w: 2)
        let x = randoms(xs.count).map { 1.5 * $0 + 0.3 }, gamma = [0.8, 1.3], beta = [0.1, -0.2]
        let r = randoms(xs.count)
        let (dx, dg, db) = Self.bnBackward(x, xs, gamma, r)
        let fdx = finiteDifference(x, r, indices: Array(0..<x.count)) { Self.bnForward($0, xs, gamma, beta) }
        let fdg = finiteDifference(gamma, r, indices: [0, 1]) { Self.bnForward(x, xs, $0, beta) }
        let fdb = finiteDifference(beta, r, indices: [0, 1]) { Self.bnForward(x, xs, gamma, $0) }
        let e = [worstRelative(dx, fdx), worstRelative(dg, fdg), worstRelative(db, fdb)]
        print("[nn-train] naive batch-norm backward vs central differences (dx, dgamma, dbeta): \(e) (tol 1e-7)")
        // Smooth function, h = 1e-5: truncation error ~h^2 = 1e-10 relative.
        XCTAssertLessThan(e.max()!, 1e-7)
    }

    func testFastConvMatchesNaive() throws {
        for (xs, out, k, s, p) in [
            (Shape4(n: 3, c: 5, h: 13, w: 9), 7, 3, 2, 1), (Shape4(n: 2, c: 6, h: 5, w: 5), 4, 1, 1, 0),
            (Shape4(n: 2, c: 3, h: 15, w: 14), 8, 7, 2, 3)
        ] {
            let x = randoms(xs.count), w = randoms(out * xs.c * k * k).map { $0 * 0.3 }
            let xf = x.map { Double(Float($0)) }, wf = w.map { Double(Float($0)) }  // the float32 inputs, exactly
            let (y, ys) = Self.convForward(xf, xs, wf, out: out, k: k, s: s, p: p)
            let dy = randoms(y.count).map { Double(Float($0)) }
            let (dx, dw) = Self.convBackward(xf, xs, wf, dy, out: out, k: k, s: s, p: p)

            let conv = try Conv2d(xs.c, out, kernel: k, stride: s, padding: p)
            try conv.weight.value.copy(from: HostTensor(shape: [out, xs.c, k, k], data: w.map { Float($0) }))
            let yf = try conv.forward(try Tensor(host(x, xs)), mode: .train)
            let tag = "k\(k) s\(s) p\(p) \(xs.n)x\(xs.c)x\(xs.h)x\(xs.w)"
            // float32 accumulation of <= 150 products of O(1): 1e-5 relative is generous but tight
            // enough that any indexing error (O(1)) fails.
            assertTrainClose(yf.host, host(y, ys), atol: 1e-4, rtol: 1e-5, "fast conv forward vs naive Double \(tag)")
            let dxf = try conv.backward(try Tensor(host(dy, ys)))
            assertTrainClose(dxf.host, host(dx, xs), atol: 1e-4, rtol: 1e-5, "fast conv dx vs naive Double \(tag)")
            assertTrainClose(
                conv.weight.grad.host, HostTensor(shape: [out, xs.c, k, k], data: dw.map { Float($0) }), atol: 2e-4, rtol: 1e-5,
                "fast conv dw vs naive Double \(tag)")
        }
    }

    func testFastBatchNormMatchesNaive() throws {
        let xs = Shape4(n: 4, c: 6, h: 7, w: 5)
        let x = randoms(xs.count).map { Double(Float(3 * $0 + 2)) }  // offset mean: tests the two-pass variance
        let gamma = randoms(xs.c).map { Double(Float(1 + 0.2 * $0)) }, beta = randoms(xs.c).map { Double(Float(0.1 * $0)) }
        let dy = randoms(xs.count).map { Double(Float($0)) }
        let bn = try BatchNorm2d(xs.c)
        try bn.weight.value.copy(from: HostTensor(shape: [xs.c], data: gamma.map { Float($0) }))
        try bn.bias.value.copy(from: HostTensor(shape: [xs.c], data: beta.map { Float($0) }))
        let y = try bn.forward(try Tensor(host(x, xs)), mode: .train)
        assertTrainClose(y.host, host(Self.bnForward(x, xs, gamma, beta), xs), atol: 2e-6, rtol: 1e-6, "fast batch-norm forward vs naive Double")
        let (dx, dg, db) = Self.bnBackward(x, xs, gamma, dy)
        let dxf = try bn.backward(try Tensor(host(dy, xs)))
        assertTrainClose(dxf.host, host(dx, xs), atol: 2e-6, rtol: 1e-5, "fast batch-norm dx vs naive Double")
        assertTrainClose(bn.weight.grad.host, HostTensor(shape: [xs.c], data: dg.map { Float($0) }), atol: 1e-5, rtol: 1e-6, "fast batch-norm dgamma vs naive")
        assertTrainClose(bn.bias.grad.host, HostTensor(shape: [xs.c], data: db.map { Float($0) }), atol: 1e-5, rtol: 1e-6, "fast batch-norm dbeta vs naive")
    }
}
