import XCTest
import CNNSpotNN

/// ConvTranspose2d (oneDNN deconvolution) against torch.nn.ConvTranspose2d and a naive
/// scatter kernel written from the definition.
final class LayerConvTransposeTests: XCTestCase {
    struct Geometry {
        let n, c, h, w, out, k, s, p, op: Int
        var oh: Int { (h - 1) * s - 2 * p + k + op }
        var ow: Int { (w - 1) * s - 2 * p + k + op }
    }

    /// y[n, o, a*s - p + u, b*s - p + v] += x[n, c, a, b] * w[c, o, u, v] (dropped outside), plus bias.
    static func naive(_ x: [Double], _ w: [Double], _ bias: [Double], _ dy: [Double]?, _ g: Geometry) -> (y: [Double], dx: [Double], dw: [Double], db: [Double])
    {
        var y = [Double](repeating: 0, count: g.n * g.out * g.oh * g.ow)
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count), db = [Double](repeating: 0, count: g.out)
        for n in 0..<g.n {
            for o in 0..<g.out {
                for i in 0..<g.oh {
                    for j in 0..<g.ow {
                        let yi = ((n * g.out + o) * g.oh + i) * g.ow + j
                        y[yi] = bias[o]
                        if let dy { db[o] += dy[yi] }
                    }
                }
            }
        }
        for n in 0..<g.n {
            for c in 0..<g.c {
                for a in 0..<g.h {
                    for b in 0..<g.w {
                        let xi = ((n * g.c + c) * g.h + a) * g.w + b
                        for o in 0..<g.out {
                            for u in 0..<g.k {
                                for v in 0..<g.k {
                                    let i = a * g.s - g.p + u, j = b * g.s - g.p + v
                                    guard i >= 0, i < g.oh, j >= 0, j < g.ow else { continue }
                                    let yi = ((n * g.out + o) * g.oh + i) * g.ow + j, wi = ((c * g.out + o) * g.k + u) * g.k + v
                                    y[yi] += x[xi] * w[wi]
                                    if let dy { dx[xi] += dy[yi] * w[wi]; dw[wi] += dy[yi] * x[xi] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (y, dx, dw, db)
    }

    static let cases = ["deconv_k4_s2_p1", "deconv_k3_s2_p1_op1", "deconv_k3_s2_p1_op1_bias"]

    private func make(_ c: [Int]) throws -> ConvTranspose2d {
        try ConvTranspose2d(c[1], c[2], kernel: c[5], stride: c[6], padding: c[7], outputPadding: c[8], bias: c[9] == 1)
    }

    func testMatchesPyTorch() throws {
        for blocked in [true, false] {
            try ComputeOptions(preferBlockedLayouts: blocked).bind {
                for name in Self.cases {
                    let c = try LayerFixture.config(name)
                    let d = try make(c)
                    XCTAssertEqual(d.weight.shape, [c[1], c[2], c[5], c[5]], "PyTorch weight layout [in, out, k, k]")
                    try d.weight.value.copy(from: LayerFixture.load(name, "w"))
                    if let b = d.bias { try b.value.copy(from: LayerFixture.load(name, "b")) }
                    let tag = "\(name) \(blocked ? "blocked" : "plain")"
                    let y = try d.forward(try LayerFixture.tensor(name, "x"), mode: .train)
                    XCTAssertEqual(y.shape, try LayerFixture.load(name, "y").shape, "\(tag) shape")
                    // float32 sums of <= 16 * 4 products of O(1) (dx: 16 * 3 * 16): 1e-4 relative to O(10).
                    assertTrainClose(y.host, try LayerFixture.load(name, "y"), atol: 1e-4, rtol: 1e-4, "\(tag) forward")
                    let dx = try d.backward(try LayerFixture.tensor(name, "dy"))
                    assertTrainClose(dx.host, try LayerFixture.load(name, "dx"), atol: 1e-4, rtol: 1e-4, "\(tag) dx")
                    assertTrainClose(d.weight.grad.host, try LayerFixture.load(name, "dw"), atol: 1e-4, rtol: 1e-4, "\(tag) dw")
                    if let b = d.bias { assertTrainClose(b.grad.host, try LayerFixture.load(name, "db"), atol: 1e-4, rtol: 1e-4, "\(tag) db") }
                }
            }
        }
    }

    func testMatchesNaive() throws {
        var r = LayerRandom(seed: 31)
        for g in [
            Geometry(n: 2, c: 5, h: 7, w: 6, out: 4, k: 4, s: 2, p: 1, op: 0), Geometry(n: 3, c: 8, h: 3, w: 5, out: 16, k: 3, s: 2, p: 1, op: 1),
            Geometry(n: 1, c: 3, h: 4, w: 4, out: 2, k: 3, s: 1, p: 0, op: 0), Geometry(n: 2, c: 4, h: 5, w: 3, out: 3, k: 5, s: 3, p: 2, op: 2)
        ] {
            let x = r.normals(g.n * g.c * g.h * g.w), w = r.normals(g.c * g.out * g.k * g.k, scale: 0.3), b = r.normals(g.out)
            let dy = r.normals(g.n * g.out * g.oh * g.ow)
            let ref = Self.naive(x, w, b, dy, g)
            let d = try ConvTranspose2d(g.c, g.out, kernel: g.k, stride: g.s, padding: g.p, outputPadding: g.op)
            try d.weight.value.copy(from: hostTensor(d.weight.shape, w))
            try d.bias!.value.copy(from: hostTensor([g.out], b))
            let tag = "deconv k\(g.k) s\(g.s) p\(g.p) op\(g.op) \(g.n)x\(g.c)x\(g.h)x\(g.w)"
            let out = [g.n, g.out, g.oh, g.ow]
            let y = try d.forward(try Tensor(hostTensor([g.n, g.c, g.h, g.w], x)), mode: .train)
            XCTAssertEqual(y.shape, out, "\(tag) shape")
            assertTrainClose(y.host, hostTensor(out, ref.y), atol: 1e-4, rtol: 1e-5, "\(tag) forward vs naive")
            let dx = try d.backward(try Tensor(hostTensor(out, dy)))
            assertTrainClose(dx.host, hostTensor([g.n, g.c, g.h, g.w], ref.dx), atol: 1e-4, rtol: 1e-5, "\(tag) dx vs naive")
            assertTrainClose(d.weight.grad.host, hostTensor(d.weight.shape, ref.dw), atol: 2e-4, rtol: 1e-5, "\(tag) dw vs naive")
            assertTrainClose(d.bias!.grad.host, hostTensor([g.out], ref.db), atol: 2e-4, rtol: 1e-5, "\(tag) db vs naive")
        }
    }

    func testForwardThreadInvariant() throws {
        for name in Self.cases {
            let c = try LayerFixture.config(name)
            try assertThreadInvariant("\(name) forward") {
                let d = try make(c)
                try d.weight.value.copy(from: LayerFixture.load(name, "w"))
                if let b = d.bias { try b.value.copy(from: LayerFixture.load(name, "b")) }
                return try d.forward(try LayerFixture.tensor(name, "x"), mode: .eval).host
            }
        }
    }

    func testBadShapesThrow() throws {
        XCTAssertThrowsError(try ConvTranspose2d(3, 4, kernel: 3, stride: 2, padding: 1, outputPadding: 2))  // op >= stride
        XCTAssertThrowsError(try ConvTranspose2d(3, 4, kernel: 3, stride: 2, padding: 0, outputPadding: 1))  // op > padding
        let d = try ConvTranspose2d(3, 4, kernel: 4, stride: 2, padding: 1)
        XCTAssertThrowsError(try d.forward(try Tensor(zeros: [1, 4, 5, 5]), mode: .eval)) { XCTAssertTrue("\($0)".contains("[1, 4, 5, 5]"), "\($0)") }
        XCTAssertThrowsError(try d.backward(try Tensor(zeros: [1, 4, 10, 10])))
        XCTAssertEqual(try d.outputShape(for: [2, 3, 5, 6]), [2, 4, 10, 12])
        _ = try d.forward(try Tensor(zeros: [1, 3, 5, 5]), mode: .train)
        XCTAssertThrowsError(try d.backward(try Tensor(zeros: [1, 4, 9, 10]))) { XCTAssertTrue("\($0)".contains("expected [1, 4, 10, 10]"), "\($0)") }
    }
}
