import XCTest
import CNNSpotNN

/// PixelShuffle against torch.nn.PixelShuffle and a naive index formula.
final class LayerPixelShuffleTests: XCTestCase {
    func testMatchesPyTorch() throws {
        for name in ["pixel_shuffle_r2", "pixel_shuffle_r3"] {
            let r = try LayerFixture.config(name)[0]
            for blocked in [false, true] {
                let ps = try PixelShuffle(r)
                let xh = try LayerFixture.load(name, "x")
                let y = try ps.forward(blocked ? try blockedCopy(xh) : try Tensor(xh), mode: .train)
                XCTAssertEqual(y.shape, try LayerFixture.load(name, "y").shape)
                assertTrainClose(y.host, try LayerFixture.load(name, "y"), atol: 0, "\(name) \(blocked ? "blocked" : "plain") forward (exact)")
                let dx = try ps.backward(try LayerFixture.tensor(name, "dy"))
                assertTrainClose(dx.host, try LayerFixture.load(name, "dx"), atol: 0, "\(name) dx (exact)")
            }
        }
    }

    func testMatchesNaive() throws {
        var rng = LayerRandom(seed: 41)
        for (shape, r) in [([2, 8, 3, 4], 2), ([1, 27, 2, 5], 3), ([3, 5, 4, 3], 1)] {
            let x = rng.normals(shape.reduce(1, *)), c = shape[1] / (r * r), (h, w) = (shape[2], shape[3])
            let out = [shape[0], c, h * r, w * r]
            var y = [Double](repeating: 0, count: x.count)
            for n in 0..<shape[0] {
                for ch in 0..<c {
                    for i in 0..<(h * r) {
                        for j in 0..<(w * r) {
                            y[((n * c + ch) * h * r + i) * w * r + j] = x[((n * shape[1] + ch * r * r + (i % r) * r + j % r) * h + i / r) * w + j / r]
                        }
                    }
                }
            }
            let ps = try PixelShuffle(r)
            let yf = try ps.forward(try Tensor(hostTensor(shape, x)), mode: .train)
            XCTAssertEqual(yf.shape, out)
            assertTrainClose(yf.host, hostTensor(out, y), atol: 0, "pixel shuffle r\(r) \(shape) vs naive")
            // Backward is the inverse permutation: dy = y gives back x.
            assertTrainClose(try ps.backward(yf).host, hostTensor(shape, x), atol: 0, "pixel shuffle r\(r) backward inverts")
        }
    }

    func testForwardThreadInvariant() throws {
        for name in ["pixel_shuffle_r2", "pixel_shuffle_r3"] {
            let r = try LayerFixture.config(name)[0]
            try assertThreadInvariant("\(name) forward") { try PixelShuffle(r).forward(try LayerFixture.tensor(name, "x"), mode: .eval).host }
        }
    }

    func testBadShapesThrow() throws {
        XCTAssertThrowsError(try PixelShuffle(0))
        let ps = try PixelShuffle(2)
        XCTAssertThrowsError(try ps.forward(try Tensor(zeros: [1, 6, 2, 2]), mode: .eval)) { XCTAssertTrue("\($0)".contains("[1, 6, 2, 2]"), "\($0)") }
        XCTAssertThrowsError(try ps.backward(try Tensor(zeros: [1, 1, 4, 4])))
        _ = try ps.forward(try Tensor(zeros: [1, 8, 2, 2]), mode: .train)
        XCTAssertThrowsError(try ps.backward(try Tensor(zeros: [1, 2, 4, 5])))
    }
}
