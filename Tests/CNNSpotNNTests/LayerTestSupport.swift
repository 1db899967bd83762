import XCTest
import CNNSpotNN

/// Fixtures of scripts/fixtures/make_nn_layer_fixtures.py (Fixtures/nn-layers/<case>/), read
/// with the nn-train .npy reader (same format, sibling directory).
enum LayerFixture {
    static func load(_ caseName: String, _ name: String) throws -> HostTensor {
        try TrainFixture.load("../nn-layers/" + caseName, name)
    }
    static func tensor(_ caseName: String, _ name: String) throws -> Tensor { try Tensor(load(caseName, name)) }
    static func config(_ caseName: String) throws -> [Int] { try load(caseName, "config").data.map { Int($0) } }
}

/// Runs `run` (which must build its layer afresh: oneDNN picks kernels per thread count when a
/// primitive is made) with 1 and 2 threads and asserts the outputs are bit-identical.
func assertThreadInvariant(
    _ what: String, file: StaticString = #filePath, line: UInt = #line,
    _ run: () throws -> HostTensor
) throws {
    let one = try ComputeOptions(threads: 1).bind { try run() }
    let two = try ComputeOptions(threads: 2).bind { try run() }
    XCTAssertEqual(one.shape, two.shape, "\(what): shape", file: file, line: line)
    let differing = zip(one.data, two.data).filter { $0.bitPattern != $1.bitPattern }.count
    print("[nn-layers] \(what): \(differing) of \(one.count) values differ between 1 and 2 threads")
    XCTAssertEqual(differing, 0, "\(what): 1 vs 2 threads not bit-identical", file: file, line: line)
}

/// Deterministic normal samples for naive-reference tests.
struct LayerRandom {
    private var rng: InitRandom
    init(seed: UInt64) { rng = InitRandom(seed: seed) }
    /// float32-representable normals (so the Double reference sees exactly the float inputs).
    mutating func normals(_ n: Int, scale: Double = 1) -> [Double] { (0..<n).map { _ in Double(Float(scale * rng.normal())) } }
}

func hostTensor(_ shape: [Int], _ v: [Double]) -> HostTensor { HostTensor(shape: shape, data: v.map { Float($0) }) }

/// `host` passed through a 1x1 identity convolution (exact: one product by 1 per value), which
/// hands the next layer oneDNN's blocked layout (nChw16c / nChw8c for 8 or 16 channels) as in a network.
func blockedCopy(_ host: HostTensor) throws -> Tensor {
    let c = host.shape[1]
    let conv = try Conv2d(c, c, kernel: 1)
    conv.weight.value.withUnsafeMutableBufferPointer { p in for i in 0..<c { p[i * c + i] = 1 } }
    return try conv.forward(try Tensor(host), mode: .eval)
}
