import XCTest
import CNNSpotNN

/// The generalised Conv2d (bias, groups / depthwise, explicit and TensorFlow-"same" padding)
/// against PyTorch (fixtures: F.pad then an unpadded torch.nn.Conv2d) and a naive Double kernel.
final class LayerConvGroupedTests: XCTestCase {
    struct Geometry { let n, c, h, w, out, k, s, groups: Int; let pad: (t: Int, l: Int, b: Int, r: Int) }

    /// y[n, o, i, j] = b[o] + sum over the group's channels c and (u, v) of
    /// x[n, c, i*s - top + u, j*s - left + v] * w[o, c - g*cin/g, u, v] (zero outside).
    static func naiveForward(_ x: [Double], _ w: [Double], _ b: [Double]?, _ g: Geometry) -> (y: [Double], oh: Int, ow: Int) {
        let oh = (g.h + g.pad.t + g.pad.b - g.k) / g.s + 1, ow = (g.w + g.pad.l + g.pad.r - g.k) / g.s + 1
        let cin = g.c / g.groups, cout = g.out / g.groups
        var y = [Double](repeating: 0, count: g.n * g.out * oh * ow)
        for n in 0..<g.n {
            for o in 0..<g.out {
                for i in 0..<oh {
                    for j in 0..<ow {
                        var acc = b?[o] ?? 0
                        let grp = o / cout
                        for cc in 0..<cin {
                            for u in 0..<g.k {
                                for v in 0..<g.k {
                                    let r = i * g.s - g.pad.t + u, q = j * g.s - g.pad.l + v, c = grp * cin + cc
                                    if r >= 0 && r < g.h && q >= 0 && q < g.w {
                                        acc += x[((n * g.c + c) * g.h + r) * g.w + q] * w[((o * cin + cc) * g.k + u) * g.k + v]
                                    }
                                }
                            }
                        }
                        y[((n * g.out + o) * oh + i) * ow + j] = acc
                    }
                }
            }
        }
        return (y, oh, ow)
    }

    /// The adjoint: dx, dw, db from dy.
    static func naiveBackward(_ x: [Double], _ w: [Double], _ dy: [Double], _ g: Geometry) -> (dx: [Double], dw: [Double], db: [Double]) {
        let oh = (g.h + g.pad.t + g.pad.b - g.k) / g.s + 1, ow = (g.w + g.pad.l + g.pad.r - g.k) / g.s + 1
        let cin = g.c / g.groups, cout = g.out / g.groups
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: w.count)
        var db = [Double](repeating: 0, count: g.out)
        for n in 0..<g.n {
            for o in 0..<g.out {
                for i in 0..<oh {
                    for j in 0..<ow {
                        let d = dy[((n * g.out + o) * oh + i) * ow + j]
                        db[o] += d
                        let grp = o / cout
                        for cc in 0..<cin {
                            for u in 0..<g.k {
                                for v in 0..<g.k {
                                    let r = i * g.s - g.pad.t + u, q = j * g.s - g.pad.l + v, c = grp * cin + cc
                                    if r >= 0 && r < g.h && q >= 0 && q < g.w {
                                        let xi = ((n * g.c + c) * g.h + r) * g.w + q, wi = ((o * cin + cc) * g.k + u) * g.k + v
                                        dx[xi] += d * w[wi]; dw[wi] += d * x[xi]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dx, dw, db)
    }

    private func makeConv(_ c: [Int]) throws -> Conv2d {
        let padding: Conv2d.Padding = c[13] == 1 ? .tfSame : .explicit(top: c[9], left: c[10], bottom: c[11], right: c[12])
        return try Conv2d(c[1], c[2], kernel: c[5], stride: c[6], padding: padding, groups: c[7], bias: c[8] == 1)
    }

    static let cases = [
        "conv_bias_k3_s1_p1", "conv_groups2_k3_s2_p1", "conv_dw_k3_s2_same", "conv_dw_k5_s1_same",
        "conv_dw_k5_s2_same_even", "conv_k3_s2_same", "conv_k3_s1_explicit"
    ]

    func testMatchesPyTorch() throws {
        for blocked in [true, false] {
            try ComputeOptions(preferBlockedLayouts: blocked).bind {
                for name in Self.cases {
                    let c = try LayerFixture.config(name)
                    let conv = try makeConv(c)
                    if c[13] == 1 {  // the fixture's F.pad amounts equal Conv2d's own "same" computation
                        let p = conv.pads(height: c[3], width: c[4])
                        XCTAssertEqual([p.top, p.left, p.bottom, p.right], Array(c[9...12]), "\(name) tfSame pads")
                    }
                    try conv.weight.value.copy(from: LayerFixture.load(name, "w"))
                    if let b = conv.bias { try b.value.copy(from: LayerFixture.load(name, "b")) }
                    let tag = "\(name) \(blocked ? "blocked" : "plain")"
                    let y = try conv.forward(try LayerFixture.tensor(name, "x"), mode: .train)
                    XCTAssertEqual(y.shape, try LayerFixture.load(name, "y").shape, "\(tag) output shape")
                    // float32 sums of <= 5*5*3 products of O(1) values (PyTorch float32 reference too).
                    assertTrainClose(y.host, try LayerFixture.load(name, "y"), atol: 1e-4, rtol: 1e-4, "\(tag) forward")
                    let dx = try conv.backward(try LayerFixture.tensor(name, "dy"))
                    assertTrainClose(dx.host, try LayerFixture.load(name, "dx"), atol: 1e-4, rtol: 1e-4, "\(tag) dx")
                    assertTrainClose(conv.weight.grad.host, try LayerFixture.load(name, "dw"), atol: 1e-4, rtol: 1e-4, "\(tag) dw")
                    if let b = conv.bias {
                        assertTrainClose(b.grad.host, try LayerFixture.load(name, "db"), atol: 1e-4, rtol: 1e-4, "\(tag) db")
                    }
                }
            }
        }
    }

    func testNaiveBackwardIsTheAdjoint() {
        // <dy, conv(x)> = <conv^T(dy), x> + <db, 1>-term: checks naiveBackward against naiveForward exactly.
        var r = LayerRandom(seed: 3)
        let g = Geometry(n: 2, c: 6, h: 7, w: 8, out: 4, k: 3, s: 2, groups: 2, pad: (0, 1, 2, 1))
        let x = r.normals(g.n * g.c * g.h * g.w), w = r.normals(g.out * g.c / g.groups * g.k * g.k)
        let (y, _, _) = Self.naiveForward(x, w, nil, g)
        let dy = r.normals(y.count)
        let (dx, dw, _) = Self.naiveBackward(x, w, dy, g)
        let lhs = zip(dy, y).reduce(0.0) { $0 + $1.0 * $1.1 }
        let viaX = zip(dx, x).reduce(0.0) { $0 + $1.0 * $1.1 }, viaW = zip(dw, w).reduce(0.0) { $0 + $1.0 * $1.1 }
        print("[nn-layers] naive grouped conv adjoint: <dy,y> \(lhs), <dx,x> \(viaX), <dw,w> \(viaW)")
        XCTAssertEqual(lhs, viaX, accuracy: 1e-9 * max(1, abs(lhs)))
        XCTAssertEqual(lhs, viaW, accuracy: 1e-9 * max(1, abs(lhs)))
    }

    func testFastMatchesNaive() throws {
        var r = LayerRandom(seed: 11)
        let geometries = [
            Geometry(n: 2, c: 12, h: 11, w: 9, out: 12, k: 3, s: 1, groups: 12, pad: (1, 1, 1, 1)),
            Geometry(n: 3, c: 6, h: 8, w: 7, out: 9, k: 3, s: 2, groups: 3, pad: (0, 0, 1, 1)),
            Geometry(n: 2, c: 32, h: 9, w: 10, out: 32, k: 5, s: 2, groups: 32, pad: (1, 2, 2, 2))
        ]
        for g in geometries {
            let x = r.normals(g.n * g.c * g.h * g.w), w = r.normals(g.out * g.c / g.groups * g.k * g.k, scale: 0.3)
            let b = r.normals(g.out)
            let (y, oh, ow) = Self.naiveForward(x, w, b, g)
            let dy = r.normals(y.count)
            let (dx, dw, db) = Self.naiveBackward(x, w, dy, g)
            let conv = try Conv2d(
                g.c, g.out, kernel: g.k, stride: g.s, padding: .explicit(top: g.pad.t, left: g.pad.l, bottom: g.pad.b, right: g.pad.r),
                groups: g.groups, bias: true)
            try conv.weight.value.copy(from: hostTensor(conv.weight.shape, w))
            try conv.bias!.value.copy(from: hostTensor([g.out], b))
            let tag = "k\(g.k) s\(g.s) groups \(g.groups) pad \(g.pad) \(g.n)x\(g.c)x\(g.h)x\(g.w)"
            let yf = try conv.forward(try Tensor(hostTensor([g.n, g.c, g.h, g.w], x)), mode: .train)
            XCTAssertEqual(yf.shape, [g.n, g.out, oh, ow])
            assertTrainClose(yf.host, hostTensor([g.n, g.out, oh, ow], y), atol: 1e-4, rtol: 1e-5, "fast grouped conv vs naive \(tag)")
            let dxf = try conv.backward(try Tensor(hostTensor([g.n, g.out, oh, ow], dy)))
            assertTrainClose(dxf.host, hostTensor([g.n, g.c, g.h, g.w], dx), atol: 1e-4, rtol: 1e-5, "fast grouped conv dx vs naive \(tag)")
            assertTrainClose(conv.weight.grad.host, hostTensor(conv.weight.shape, dw), atol: 2e-4, rtol: 1e-5, "fast grouped conv dw vs naive \(tag)")
            assertTrainClose(conv.bias!.grad.host, hostTensor([g.out], db), atol: 2e-4, rtol: 1e-5, "fast grouped conv db vs naive \(tag)")
        }
    }

    func testForwardThreadInvariant() throws {
        for name in Self.cases {
            let c = try LayerFixture.config(name)
            try assertThreadInvariant("conv \(name) forward") {
                let conv = try makeConv(c)
                try conv.weight.value.copy(from: LayerFixture.load(name, "w"))
                if let b = conv.bias { try b.value.copy(from: LayerFixture.load(name, "b")) }
                return try conv.forward(try LayerFixture.tensor(name, "x"), mode: .eval).host
            }
        }
    }

    func testBadConfigurationsThrow() throws {
        XCTAssertThrowsError(try Conv2d(6, 4, kernel: 3, groups: 4)) { XCTAssertTrue("\($0)".contains("multiples of groups"), "\($0)") }
        XCTAssertThrowsError(try Conv2d(4, 4, kernel: 3, padding: .explicit(top: -1, left: 0, bottom: 0, right: 0)))
        XCTAssertThrowsError(try Conv2d(4, 4, kernel: 0))
        let dw = try Conv2d(8, 8, kernel: 3, stride: 2, padding: .tfSame, groups: 8)
        XCTAssertEqual(dw.weight.shape, [8, 1, 3, 3])
        XCTAssertThrowsError(try dw.forward(try Tensor(zeros: [1, 4, 8, 8]), mode: .eval)) { XCTAssertTrue("\($0)".contains("[1, 4, 8, 8]"), "\($0)") }
        XCTAssertEqual(try dw.outputShape(for: [1, 8, 9, 8]), [1, 8, 5, 4], "same: ceil(H / s)")
        XCTAssertEqual(try dw.outputShape(for: [1, 8, 1, 1]), [1, 8, 1, 1])
        let y = try dw.forward(try Tensor(zeros: [1, 8, 9, 8]), mode: .train)
        XCTAssertThrowsError(try dw.backward(try Tensor(zeros: [1, 8, 4, 4]))) { XCTAssertTrue("\($0)".contains("dy"), "\($0)") }
        _ = y
    }
}
