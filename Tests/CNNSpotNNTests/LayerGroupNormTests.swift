import XCTest
import CNNSpotNN

/// GroupNorm and InstanceNorm2d against PyTorch (float64 references from float32 inputs) and a
/// naive Double kernel whose backward is checked by central differences.
final class LayerGroupNormTests: XCTestCase {
    /// y = (x - mean_g) / sqrt(var_g + eps) * gamma[c] + beta[c], biased variance over each (n, group).
    static func naiveForward(_ x: [Double], _ s: [Int], groups: Int, _ gamma: [Double], _ beta: [Double], eps: Double = 1e-5) -> [Double] {
        var y = x
        let (c, hw) = (s[1], s[2] * s[3]), cpg = c / groups, m = Double(cpg * hw)
        for n in 0..<s[0] {
            for g in 0..<groups {
                let idx = (0..<(cpg * hw)).map { (n * c + g * cpg) * hw + $0 }
                let mean = idx.reduce(0.0) { $0 + x[$1] } / m
                let v = idx.reduce(0.0) { $0 + (x[$1] - mean) * (x[$1] - mean) } / m
                for i in idx { let ch = (i / hw) % c; y[i] = (x[i] - mean) / (v + eps).squareRoot() * gamma[ch] + beta[ch] }
            }
        }
        return y
    }

    /// Its gradient by hand: dx = invstd * (gamma dy - mean(gamma dy) - xhat * mean(gamma dy xhat)).
    static func naiveBackward(_ x: [Double], _ s: [Int], groups: Int, _ gamma: [Double], _ dy: [Double], eps: Double = 1e-5)
        -> (dx: [Double], dgamma: [Double], dbeta: [Double])
    {
        var dx = x, dg = [Double](repeating: 0, count: s[1]), db = dg
        let (c, hw) = (s[1], s[2] * s[3]), cpg = c / groups, m = Double(cpg * hw)
        for n in 0..<s[0] {
            for g in 0..<groups {
                let idx = (0..<(cpg * hw)).map { (n * c + g * cpg) * hw + $0 }
                let mean = idx.reduce(0.0) { $0 + x[$1] } / m
                let inv = 1 / (idx.reduce(0.0) { $0 + (x[$1] - mean) * (x[$1] - mean) } / m + eps).squareRoot()
                let ch = { (i: Int) in (i / hw) % c }
                let md = idx.reduce(0.0) { $0 + gamma[ch($1)] * dy[$1] } / m
                let mdx = idx.reduce(0.0) { $0 + gamma[ch($1)] * dy[$1] * (x[$1] - mean) * inv } / m
                for i in idx {
                    let xhat = (x[i] - mean) * inv
                    dx[i] = inv * (gamma[ch(i)] * dy[i] - md - xhat * mdx)
                    dg[ch(i)] += dy[i] * xhat; db[ch(i)] += dy[i]
                }
            }
        }
        return (dx, dg, db)
    }

    func testNaiveBackwardMatchesFiniteDifferences() {
        var r = LayerRandom(seed: 51)
        let s = [2, 6, 3, 2], groups = 3
        let x = r.normals(72, scale: 1.5).map { $0 + 0.4 }, gamma = r.normals(6).map { 1 + 0.3 * $0 }, beta = r.normals(6)
        let dy = r.normals(72)
        let (dx, dg, db) = Self.naiveBackward(x, s, groups: groups, gamma, dy)
        func fd(_ v: [Double], _ f: ([Double]) -> [Double]) -> [Double] {
            (0..<v.count).map { i in
                var p = v, q = v; p[i] += 1e-5; q[i] -= 1e-5
                return (zip(f(p), dy).reduce(0.0) { $0 + $1.0 * $1.1 } - zip(f(q), dy).reduce(0.0) { $0 + $1.0 * $1.1 }) / 2e-5
            }
        }
        let worst = [
            zip(dx, fd(x) { Self.naiveForward($0, s, groups: groups, gamma, beta) }).map { abs($0 - $1) }.max()!,
            zip(dg, fd(gamma) { Self.naiveForward(x, s, groups: groups, $0, beta) }).map { abs($0 - $1) }.max()!,
            zip(db, fd(beta) { Self.naiveForward(x, s, groups: groups, gamma, $0) }).map { abs($0 - $1) }.max()!
        ]
        print("[nn-layers] naive group-norm backward vs central differences (dx, dgamma, dbeta): \(worst) (tol 1e-7)")
        // Smooth, h = 1e-5: truncation ~h^2 relative to O(1) gradients.
        XCTAssertLessThan(worst.max()!, 1e-7)
    }

    private func check(
        _ name: String, forward: (Tensor, ForwardMode) throws -> Tensor, backward: (Tensor) throws -> Tensor,
        weight: Parameter?, bias: Parameter?, blocked: Bool
    ) throws {
        if let w = weight, let b = bias {
            try w.value.copy(from: LayerFixture.load(name, "weight")); try b.value.copy(from: LayerFixture.load(name, "bias"))
        }
        let xh = try LayerFixture.load(name, "x")
        let tag = "\(name) \(blocked ? "blocked" : "plain")"
        let y = try forward(blocked ? try blockedCopy(xh) : try Tensor(xh), .train)
        XCTAssertEqual(y.shape, xh.shape, "\(tag) shape")
        // float32 output of O(3) values from Double statistics vs PyTorch float64.
        assertTrainClose(y.host, try LayerFixture.load(name, "y"), atol: 2e-6, rtol: 2e-6, "\(tag) forward")
        let dx = try backward(try LayerFixture.tensor(name, "dy"))
        assertTrainClose(dx.host, try LayerFixture.load(name, "dx"), atol: 5e-6, rtol: 1e-5, "\(tag) dx")
        if let w = weight, let b = bias {
            assertTrainClose(w.grad.host, try LayerFixture.load(name, "dweight"), atol: 1e-5, rtol: 1e-5, "\(tag) dweight")
            assertTrainClose(b.grad.host, try LayerFixture.load(name, "dbias"), atol: 1e-5, rtol: 1e-5, "\(tag) dbias")
        }
    }

    func testGroupNormMatchesPyTorch() throws {
        for name in ["gn_g4_c8", "gn_g2_c6_noaffine", "gn_g4_c256"] {
            let c = try LayerFixture.config(name), channels = try LayerFixture.load(name, "x").shape[1]
            for blocked in [false, true] where !blocked || channels % 8 == 0 {
                let gn = try GroupNorm(groups: c[0], channels: channels, affine: c[1] == 1)
                XCTAssertEqual(gn.weight == nil, c[1] == 0)
                try check(name, forward: gn.forward, backward: gn.backward, weight: gn.weight, bias: gn.bias, blocked: blocked)
            }
        }
    }

    func testInstanceNormMatchesPyTorch() throws {
        for name in ["in_plain", "in_affine"] {
            let affine = try LayerFixture.config(name)[0] == 1, channels = try LayerFixture.load(name, "x").shape[1]
            let inorm = try InstanceNorm2d(channels, affine: affine)
            XCTAssertEqual(inorm.weight == nil, !affine, "PyTorch default: affine False")
            try check(name, forward: inorm.forward, backward: inorm.backward, weight: inorm.weight, bias: inorm.bias, blocked: false)
            // No running statistics: eval normalises with the input's own statistics too.
            let again = try InstanceNorm2d(channels, affine: affine)
            if let w = again.weight, let b = again.bias {
                try w.value.copy(from: LayerFixture.load(name, "weight")); try b.value.copy(from: LayerFixture.load(name, "bias"))
            }
            assertTrainClose(
                try again.forward(try LayerFixture.tensor(name, "x"), mode: .eval).host, try LayerFixture.load(name, "y"),
                atol: 2e-6, rtol: 2e-6, "\(name) eval forward")
        }
    }

    func testFastMatchesNaive() throws {
        var r = LayerRandom(seed: 53)
        for (s, groups) in [([3, 12, 5, 7], 4), ([2, 5, 4, 4], 5), ([2, 4, 1, 1], 1)] {
            let x = r.normals(s.reduce(1, *), scale: 3).map { Double(Float($0 + 2)) }
            let gamma = r.normals(s[1]).map { Double(Float(1 + 0.2 * $0)) }, beta = r.normals(s[1], scale: 0.1)
            let dy = r.normals(x.count)
            let gn = try GroupNorm(groups: groups, channels: s[1])
            try gn.weight!.value.copy(from: hostTensor([s[1]], gamma)); try gn.bias!.value.copy(from: hostTensor([s[1]], beta))
            let tag = "group norm \(groups) groups \(s)"
            assertTrainClose(
                try gn.forward(try Tensor(hostTensor(s, x)), mode: .train).host,
                hostTensor(s, Self.naiveForward(x, s, groups: groups, gamma, beta)), atol: 2e-6, rtol: 1e-6, "\(tag) forward vs naive")
            let (dx, dg, db) = Self.naiveBackward(x, s, groups: groups, gamma, dy)
            assertTrainClose(try gn.backward(try Tensor(hostTensor(s, dy))).host, hostTensor(s, dx), atol: 5e-6, rtol: 1e-5, "\(tag) dx vs naive")
            assertTrainClose(gn.weight!.grad.host, hostTensor([s[1]], dg), atol: 1e-5, rtol: 1e-6, "\(tag) dgamma vs naive")
            assertTrainClose(gn.bias!.grad.host, hostTensor([s[1]], db), atol: 1e-5, rtol: 1e-6, "\(tag) dbeta vs naive")
        }
    }

    func testForwardThreadInvariant() throws {
        for name in ["gn_g4_c8", "gn_g4_c256"] {
            try assertThreadInvariant("\(name) forward") {
                let gn = try GroupNorm(groups: 4, channels: try LayerFixture.load(name, "x").shape[1])
                try gn.weight!.value.copy(from: LayerFixture.load(name, "weight")); try gn.bias!.value.copy(from: LayerFixture.load(name, "bias"))
                return try gn.forward(try LayerFixture.tensor(name, "x"), mode: .eval).host
            }
        }
        try assertThreadInvariant("in_plain forward") { try InstanceNorm2d(3).forward(try LayerFixture.tensor("in_plain", "x"), mode: .eval).host }
    }

    func testBadShapesThrow() throws {
        XCTAssertThrowsError(try GroupNorm(groups: 3, channels: 8)) { XCTAssertTrue("\($0)".contains("multiple of groups"), "\($0)") }
        let gn = try GroupNorm(groups: 2, channels: 4)
        XCTAssertThrowsError(try gn.forward(try Tensor(zeros: [1, 6, 2, 2]), mode: .eval)) { XCTAssertTrue("\($0)".contains("[1, 6, 2, 2]"), "\($0)") }
        XCTAssertThrowsError(try gn.backward(try Tensor(zeros: [1, 4, 2, 2])))
        _ = try gn.forward(try Tensor(zeros: [1, 4, 2, 2]), mode: .train)
        XCTAssertThrowsError(try gn.backward(try Tensor(zeros: [1, 4, 2, 3])))
        let inorm = try InstanceNorm2d(3)
        XCTAssertThrowsError(try inorm.forward(try Tensor(zeros: [2, 3, 1, 1]), mode: .eval)) { XCTAssertTrue("\($0)".contains("spatial"), "\($0)") }
    }
}
