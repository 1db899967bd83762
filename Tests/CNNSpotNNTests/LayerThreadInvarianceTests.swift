import XCTest
import CNNSpotNN

/// Forward passes on network-sized shapes (oneDNN picks other kernels and thread splits than on
/// the tiny fixture shapes) must be bit-identical with 1 and 2 threads.
final class LayerThreadInvarianceTests: XCTestCase {
    private func filled(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var r = LayerRandom(seed: seed)
        return try Tensor(hostTensor(shape, r.normals(shape.reduce(1, *))))
    }

    private func setWeights(_ p: Parameter, seed: UInt64) throws {
        var r = LayerRandom(seed: seed)
        try p.value.copy(from: hostTensor(p.shape, r.normals(p.shape.reduce(1, *), scale: 0.1)))
    }

    func testLargerConvolutionsAreThreadInvariant() throws {
        let x = try filled([2, 64, 28, 28], seed: 71)
        try assertThreadInvariant("conv 64->64 k3 s1 p1 bias, 2x64x28x28") {
            let conv = try Conv2d(64, 64, kernel: 3, padding: 1, bias: true)
            try setWeights(conv.weight, seed: 72); try setWeights(conv.bias!, seed: 73)
            return try conv.forward(x, mode: .eval).host
        }
        try assertThreadInvariant("depthwise conv 64 k5 s2 tfSame, 2x64x28x28") {
            let conv = try Conv2d(64, 64, kernel: 5, stride: 2, padding: .tfSame, groups: 64, bias: true)
            try setWeights(conv.weight, seed: 74); try setWeights(conv.bias!, seed: 75)
            return try conv.forward(x, mode: .eval).host
        }
        try assertThreadInvariant("conv transpose 64->32 k4 s2 p1, 2x64x28x28") {
            let d = try ConvTranspose2d(64, 32, kernel: 4, stride: 2, padding: 1)
            try setWeights(d.weight, seed: 76); try setWeights(d.bias!, seed: 77)
            return try d.forward(x, mode: .eval).host
        }
    }

    func testLargerElementwiseAndResamplingAreThreadInvariant() throws {
        let x = try filled([2, 64, 28, 28], seed: 81)
        try assertThreadInvariant("bilinear x2, 2x64x28x28") { try Upsample(mode: .bilinear).forward(x, mode: .eval).host }
        try assertThreadInvariant("tanh, 2x64x28x28") { try Tanh().forward(x, mode: .eval).host }
        try assertThreadInvariant("group norm 4 groups, 2x64x28x28") { try GroupNorm(groups: 4, channels: 64).forward(x, mode: .eval).host }
    }
}
