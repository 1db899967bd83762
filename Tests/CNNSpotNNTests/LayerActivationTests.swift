import XCTest
import CNNSpotNN

/// ReLU6, Tanh, LeakyReLU (oneDNN eltwise) against PyTorch and naive formulas, in row-major and
/// blocked (nChw16c, via a convolution's output) layouts.
final class LayerActivationTests: XCTestCase {
    private func layers() -> [(String, (Tensor, ForwardMode) throws -> Tensor, (Tensor) throws -> Tensor)] {
        let r6 = ReLU6(), t = Tanh(), l = LeakyReLU(negativeSlope: 0.2)
        return [("relu6", r6.forward, r6.backward), ("tanh", t.forward, t.backward), ("leaky_relu_0.2", l.forward, l.backward)]
    }

    func testMatchPyTorch() throws {
        for (name, forward, backward) in layers() {
            let y = try forward(try LayerFixture.tensor(name, "x"), .train)
            XCTAssertEqual(y.shape, try LayerFixture.load(name, "x").shape)
            // tanh: oneDNN's vectorised polynomial vs libm, a few float ulps; the others exact.
            let tol: Float = name == "tanh" ? 1e-6 : 0
            assertTrainClose(y.host, try LayerFixture.load(name, "y"), atol: tol, "\(name) forward")
            let dx = try backward(try LayerFixture.tensor(name, "dy"))
            assertTrainClose(dx.host, try LayerFixture.load(name, "dx"), atol: tol * 4, "\(name) dx")
        }
    }

    /// Naive formulas: PyTorch's definitions, including the gradient at the bounds.
    static func naive(_ name: String, _ x: Float, _ g: Float) -> (y: Float, dx: Float) {
        switch name {
        case "relu6": return (min(max(x, 0), 6), x > 0 && x < 6 ? g : 0)
        case "tanh": let y = Float(Foundation.tanh(Double(x))); return (y, g * (1 - y * y))
        default: return (x > 0 ? x : 0.2 * x, x > 0 ? g : 0.2 * g)
        }
    }

    func testMatchNaiveInBlockedLayout() throws {
        // A 1x1 identity convolution with 16 channels hands the activation an nChw16c tensor.
        let (n, c, h, w) = (2, 16, 5, 3)
        let conv = try Conv2d(c, c, kernel: 1)
        conv.weight.value.withUnsafeMutableBufferPointer { p in for i in 0..<c { p[i * c + i] = 1 } }
        var r = LayerRandom(seed: 5)
        var xs = r.normals(n * c * h * w, scale: 4).map { Float($0) }
        xs[0] = 0; xs[1] = 6; xs[2] = -0.5; xs[3] = 6.5
        let gs = r.normals(xs.count).map { Float($0) }
        for (name, forward, backward) in layers() {
            let x = try conv.forward(try Tensor(HostTensor(shape: [n, c, h, w], data: xs)), mode: .eval)
            let y = try forward(x, .train)
            let dx = try backward(try Tensor(HostTensor(shape: [n, c, h, w], data: gs)))
            let expected = zip(xs, gs).map { Self.naive(name, $0, $1) }
            let tol: Float = name == "tanh" ? 1e-6 : 0
            assertTrainClose(y.host, HostTensor(shape: [n, c, h, w], data: expected.map(\.y)), atol: tol, "\(name) blocked forward vs naive")
            assertTrainClose(dx.host, HostTensor(shape: [n, c, h, w], data: expected.map(\.dx)), atol: tol * 4, "\(name) blocked dx vs naive")
        }
    }

    func testForwardThreadInvariant() throws {
        for i in 0..<3 {
            let name = ["relu6", "tanh", "leaky_relu_0.2"][i]
            try assertThreadInvariant("\(name) forward") {
                let f = layers()[i].1
                return try f(try LayerFixture.tensor(name, "x"), .eval).host
            }
        }
    }

    func testBackwardNeedsTrainForwardAndMatchingShape() throws {
        for (_, forward, backward) in layers() {
            XCTAssertThrowsError(try backward(try Tensor(zeros: [1, 2, 3, 3])))
            _ = try forward(try Tensor(zeros: [1, 2, 3, 3]), .train)
            XCTAssertThrowsError(try backward(try Tensor(zeros: [1, 2, 3, 4]))) { XCTAssertTrue("\($0)".contains("[1, 2, 3, 4]"), "\($0)") }
        }
    }
}
