/// Deterministic ResNet parameters from a closed formula, computed identically by the
/// fixture scripts (`scripts/fixtures/synthetic_weights.py`, NumPy), so tests can compare
/// whole networks with PyTorch without shipping 100 MB of weights. An integer hash (exact
/// in both languages) gives `u` in [0, 1) per element; `r = 2u - 1`; values are computed in
/// Double and rounded to Float. The scales keep eval-mode activations of a ResNet-50 in a
/// range where the output still depends clearly on the input (neither collapsing nor
/// exploding through 16 residual blocks).
///
/// For the entry at position `j` of `spec.stateDictShapes`, element `i` (row-major):
/// - conv weight `[o, c, k, k]`: `sqrt(6 / (c*k*k)) * r`
/// - `bn*.weight`: `0.7 + 0.25 r`;  `bn*.bias`: `0.1 r`
/// - `running_mean`: `0.1 r`;  `running_var`: `1 + 0.5 u`;  `num_batches_tracked`: `0`
/// - head weight (`fc.weight`, `fc1.weight`, `_fc.weight`) `[n, f]`: `sqrt(3 / f) * r`;  its bias: `0.1 r`
/// - conv weight `[o, c/g, k, k]` uses its stored fan-in `c/g * k * k`; a conv bias: `0.1 r`
public enum SyntheticWeights {
    /// `u` in [0, 1) for element `i` of the entry at position `j`.
    @inlinable
    public static func hashUniform(_ i: Int, _ j: Int) -> Double {
        var h = (UInt64(i) &* 0x9E37_79B1 &+ UInt64(j + 1) &* 0x85EB_CA77) & 0xFFFF_FFFF
        h ^= h >> 15
        h = (h &* 0x2C1B_3C6D) & 0xFFFF_FFFF
        h ^= h >> 12
        h = (h &* 0x297A_2D39) & 0xFFFF_FFFF
        h ^= h >> 15
        return Double(h) / 4_294_967_296.0
    }

    public static func stateDict(_ spec: NetworkSpec) -> StateDict {
        var result: StateDict = [:]
        for (j, entry) in spec.stateDictShapes.enumerated() {
            let (key, shape) = entry
            let n = shape.reduce(1, *)
            let value: (Double) -> Double  // u -> value
            if key.hasSuffix(".num_batches_tracked") {
                value = { _ in 0 }
            } else if key == spec.headKey + ".weight" {
                let scale = (3.0 / Double(shape[1])).squareRoot()
                value = { scale * (2 * $0 - 1) }
            } else if shape.count == 4 {
                let scale = (6.0 / Double(shape[1] * shape[2] * shape[3])).squareRoot()
                value = { scale * (2 * $0 - 1) }
            } else if key.hasSuffix(".running_var") {
                value = { 1 + 0.5 * $0 }
            } else if key.hasSuffix(".weight") {
                value = { 0.7 + 0.25 * (2 * $0 - 1) }
            } else {  // bias, running_mean
                value = { 0.1 * (2 * $0 - 1) }
            }
            result[key] = HostTensor(shape: shape, data: (0..<n).map { Float(value(hashUniform($0, j))) })
        }
        return result
    }
}
