/// A small, fast, seedable generator: xoshiro256** (Blackman & Vigna 2018) whose state is
/// filled from the seed by SplitMix64, as the authors recommend.
///
/// The same seed gives the same sequence on every platform and Swift version (unlike
/// `SystemRandomNumberGenerator` or the standard library's `random(in:)` algorithms, which
/// may change). The draws are not Python's: the augmentation follows the reference's
/// *order* of decisions, not its Mersenne Twister values.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&sm); s1 = splitMix(&sm); s2 = splitMix(&sm); s3 = splitMix(&sm)
    }

    /// A generator for item `index` of a stream seeded by `seed`: independent of the order in
    /// which items are processed (so parallel loaders give the same result as serial ones).
    public init(seed: UInt64, stream index: UInt64) {
        var g = SeededRandom(seed: seed ^ (index &* 0xD1B5_4A32_D192_ED03))
        _ = g.next()
        self = g
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    public mutating func next() -> UInt64 {
        let result = SeededRandom.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = SeededRandom.rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits, like Python's `random.random()`.
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in `range` (inclusive), unbiased (rejection sampling on 64 bits).
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound)) &+ 1
        if span == 0 { return Int(bitPattern: UInt(next())) }  // the full 64-bit range
        let limit = UInt64.max - (UInt64.max % span)
        var x = next()
        while x >= limit { x = next() }
        return range.lowerBound &+ Int(bitPattern: UInt(x % span))
    }

    /// One element of a non-empty array, uniformly (Python's `random.choice`).
    public mutating func choice<T>(_ items: [T]) -> T {
        items[integer(in: 0...(items.count - 1))]
    }
}
