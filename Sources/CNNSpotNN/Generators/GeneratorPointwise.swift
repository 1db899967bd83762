import Foundation

/// Element-wise maps of generators on row-major values: TAEF2's soft clamp `c tanh(x / c)`,
/// and an activation on its own (after a layer without fused post-ops).
enum GeneratorPointwise {
    static func map(_ x: Tensor, _ f: (Float) -> Float) throws -> Tensor {
        let y = try Tensor(zeros: x.shape)
        x.withUnsafeBufferPointer { src in
            y.memory.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count { dst[i] = f(src[i]) }
            }
        }
        return y
    }

    /// `c * tanh(x / c)` (the TAEF2 decoder's first layer, c = 3).
    static func softClamp(_ x: Tensor, _ c: Float) throws -> Tensor { try map(x) { c * Foundation.tanh($0 / c) } }

    static func activation(_ x: Tensor, _ a: GeneratorActivation) throws -> Tensor {
        a == .identity ? x : try map(x) { a.apply($0) }
    }
}
