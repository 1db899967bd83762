import XCTest
import CNNSpotNN

/// Upsample (nearest, bilinear) and NearestDownsample against F.interpolate fixtures and a
/// naive separable kernel, in row-major and blocked layouts.
final class LayerResampleTests: XCTestCase {
    /// For each output coordinate along one axis: the (input index, weight) pairs PyTorch uses.
    static func taps(_ kind: String, input n: Int, factor f: Int) -> [[(Int, Double)]] {
        switch kind {
        case "nearest": return (0..<(n * f)).map { [($0 / f, 1)] }
        case "down": return (0..<(n / 2)).map { [(2 * $0, 1)] }
        default:  // bilinear, align_corners=False
            return (0..<(n * f)).map { i in
                let src = max((Double(i) + 0.5) / Double(f) - 0.5, 0)
                let i0 = Int(src.rounded(.down)), i1 = min(i0 + 1, n - 1), l1 = src - Double(i0)
                return [(i0, 1 - l1), (i1, l1)]
            }
        }
    }

    /// y and the adjoint dx on `[N, C, H, W]` row-major Double.
    static func naive(_ kind: String, _ x: [Double], _ dy: [Double]?, _ s: [Int], factor: Int) -> (y: [Double], dx: [Double], out: [Int]) {
        let th = taps(kind, input: s[2], factor: factor), tw = taps(kind, input: s[3], factor: factor)
        let out = [s[0], s[1], th.count, tw.count]
        var y = [Double](repeating: 0, count: out.reduce(1, *)), dx = [Double](repeating: 0, count: x.count)
        for p in 0..<(s[0] * s[1]) {
            for i in 0..<th.count {
                for j in 0..<tw.count {
                    let yi = (p * th.count + i) * tw.count + j
                    for (a, wa) in th[i] {
                        for (b, wb) in tw[j] {
                            let xi = (p * s[2] + a) * s[3] + b
                            y[yi] += wa * wb * x[xi]
                            if let dy { dx[xi] += wa * wb * dy[yi] }
                        }
                    }
                }
            }
        }
        return (y, dx, out)
    }

    private func layer(_ kind: String) throws -> (forward: (Tensor, ForwardMode) throws -> Tensor, backward: (Tensor) throws -> Tensor) {
        switch kind {
        case "nearest": let u = try Upsample(factor: 2, mode: .nearest); return (u.forward, u.backward)
        case "bilinear": let u = try Upsample(factor: 2, mode: .bilinear); return (u.forward, u.backward)
        default: let d = NearestDownsample(); return (d.forward, d.backward)
        }
    }

    static let cases = [
        ("up_nearest2_odd", "nearest"), ("up_nearest2_c16", "nearest"), ("up_bilinear2_odd", "bilinear"),
        ("up_bilinear2_c16", "bilinear"), ("down_nearest_half_odd", "down"), ("down_nearest_half_even", "down")
    ]

    func testMatchPyTorch() throws {
        for (name, kind) in Self.cases {
            for blocked in [false, true] where !blocked || name.hasSuffix("c16") || name.hasSuffix("even") {
                let l = try layer(kind)
                let xh = try LayerFixture.load(name, "x")
                let y = try l.forward(blocked ? try blockedCopy(xh) : try Tensor(xh), .train)
                let tag = "\(name) \(blocked ? "blocked" : "plain")"
                XCTAssertEqual(y.shape, try LayerFixture.load(name, "y").shape, "\(tag) shape")
                // Nearest and the down-sampling are copies (exact); bilinear weights are 1/4, 3/4
                // and float rounding of a 2-term sum; dx sums up to 4 (16 bilinear) terms.
                let exact = kind != "bilinear"
                assertTrainClose(y.host, try LayerFixture.load(name, "y"), atol: exact ? 0 : 1e-6, rtol: exact ? 0 : 1e-6, "\(tag) forward")
                let dx = try l.backward(try LayerFixture.tensor(name, "dy"))
                assertTrainClose(dx.host, try LayerFixture.load(name, "dx"), atol: kind == "down" ? 0 : 2e-6, rtol: 1e-6, "\(tag) dx")
            }
        }
    }

    func testMatchNaive() throws {
        var r = LayerRandom(seed: 21)
        for (kind, factor, shape) in [
            ("nearest", 3, [2, 3, 4, 5]), ("bilinear", 3, [2, 3, 5, 4]), ("bilinear", 2, [1, 8, 3, 6]),
            ("down", 1, [2, 8, 9, 6]), ("nearest", 2, [1, 8, 1, 2]), ("bilinear", 2, [1, 2, 1, 1])
        ] {
            let x = r.normals(shape.reduce(1, *))
            let (y0, _, out) = Self.naive(kind, x, nil, shape, factor: factor)
            let dy = r.normals(y0.count)
            let (y, dx, _) = Self.naive(kind, x, dy, shape, factor: factor)
            let fwd: (Tensor, ForwardMode) throws -> Tensor, bwd: (Tensor) throws -> Tensor
            if kind == "down" {
                let d = NearestDownsample(); (fwd, bwd) = (d.forward, d.backward)
            } else {
                let u = try Upsample(factor: factor, mode: kind == "nearest" ? .nearest : .bilinear); (fwd, bwd) = (u.forward, u.backward)
            }
            let input = shape[1] == 8 ? try blockedCopy(hostTensor(shape, x)) : try Tensor(hostTensor(shape, x))
            let tag = "\(kind) x\(factor) \(shape)"
            let yf = try fwd(input, .train)
            XCTAssertEqual(yf.shape, out, "\(tag) shape")
            assertTrainClose(yf.host, hostTensor(out, y), atol: 1e-6, rtol: 1e-6, "\(tag) forward vs naive")
            assertTrainClose(try bwd(try Tensor(hostTensor(out, dy))).host, hostTensor(shape, dx), atol: 4e-6, rtol: 1e-6, "\(tag) dx vs naive")
        }
    }

    func testForwardThreadInvariant() throws {
        for (name, kind) in Self.cases {
            try assertThreadInvariant("\(name) forward") { try layer(kind).forward(try LayerFixture.tensor(name, "x"), .eval).host }
            if name.hasSuffix("c16") || name.hasSuffix("even") {
                try assertThreadInvariant("\(name) blocked forward") { try layer(kind).forward(try blockedCopy(LayerFixture.load(name, "x")), .eval).host }
            }
        }
    }

    func testBadShapesThrow() throws {
        XCTAssertThrowsError(try Upsample(factor: 0, mode: .nearest))
        let u = try Upsample(mode: .bilinear)
        XCTAssertThrowsError(try u.forward(try Tensor(zeros: [2, 3, 4]), mode: .eval)) { XCTAssertTrue("\($0)".contains("[2, 3, 4]"), "\($0)") }
        XCTAssertThrowsError(try u.backward(try Tensor(zeros: [1, 1, 2, 2])))
        _ = try u.forward(try Tensor(zeros: [1, 1, 2, 2]), mode: .train)
        XCTAssertThrowsError(try u.backward(try Tensor(zeros: [1, 1, 2, 2]))) { XCTAssertTrue("\($0)".contains("expected [1, 1, 4, 4]"), "\($0)") }
        let d = NearestDownsample()
        XCTAssertThrowsError(try d.forward(try Tensor(zeros: [1, 1, 1, 5]), mode: .eval))
        _ = try d.forward(try Tensor(zeros: [1, 1, 5, 5]), mode: .train)
        XCTAssertThrowsError(try d.backward(try Tensor(zeros: [1, 1, 3, 3]))) { XCTAssertTrue("\($0)".contains("expected [1, 1, 2, 2]"), "\($0)") }
    }
}
