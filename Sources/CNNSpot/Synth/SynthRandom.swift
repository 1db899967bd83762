import Foundation

/// The synth families' seeded random numbers: SplitMix64 (Steele, Lea, Flood 2014), the same
/// stream on every platform and thread count. Normals by Box-Muller in Double.
struct SynthRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A generator for a sub-stream (`seed` mixed with a tag), so adding draws to one part does
    /// not shift another.
    init(seed: UInt64, stream: UInt64) {
        var r = SynthRandom(seed: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15))
        state = r.next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits.
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * uniform() }

    /// Uniform integer in `0..<n`.
    mutating func index(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    mutating func pick<T>(_ items: [T]) -> T { items[index(items.count)] }

    mutating func normal() -> Double {
        let u1 = max(uniform(), 0x1p-60), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// `count` Float normals with the given standard deviation.
    mutating func normals(_ count: Int, std: Double) -> [Float] {
        (0..<count).map { _ in Float(normal() * std) }
    }
}
