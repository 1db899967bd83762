import CNNSpotImage

/// `check-box2x`: not a generator, a plumbing check for the synth workflow (and its tests):
/// each 2x2 block is replaced by its mean (rounded half up), i.e. a 2x box down-sampling followed
/// by nearest-neighbour up-sampling, which leaves a plain period-2 trace in the spectrum. Odd
/// sizes keep their last row/column as is. The seed is ignored; nothing to prepare.
public final class SynthCheckFamily: SynthFamily {
    public static let familyName = "check-box2x"
    public let name = SynthCheckFamily.familyName
    public var settings: String { "kind=box2x-nearest;not_a_cnn=1" }

    public init() {}

    public func prepare(patches: [RGBImage], directory: String) throws {}

    public func fake(of patch: RGBImage, seed: UInt64) throws -> RGBImage {
        var out = patch
        let w = patch.width, h = patch.height
        patch.pixels.withUnsafeBufferPointer { s in
            out.pixels.withUnsafeMutableBufferPointer { d in
                for y in stride(from: 0, to: h - 1, by: 2) {
                    for x in stride(from: 0, to: w - 1, by: 2) {
                        for c in 0..<3 {
                            let i = (y * w + x) * 3 + c, j = i + w * 3
                            let sum: Int = Int(s[i]) + Int(s[i + 3]) + Int(s[j]) + Int(s[j + 3])
                            let m = UInt8((sum + 2) / 4)
                            d[i] = m; d[i + 3] = m; d[j] = m; d[j + 3] = m
                        }
                    }
                }
            }
        }
        return out
    }
}

extension SynthFamilies {
    /// Every family `cnnspot synth` accepts: the built-in generator families, then the plumbing
    /// check `check-box2x`.
    public static var all: [(name: String, summary: String)] {
        available + [(SynthCheckFamily.familyName, "plumbing check, not a CNN: 2x2 box mean, nearest up (for tests)")]
    }

    /// The family for `name` (a generator family, or the plumbing check).
    public static func resolve(_ name: String) throws -> SynthFamily {
        if name == SynthCheckFamily.familyName { return SynthCheckFamily() }
        do { return try make(name) } catch SynthFamilyError.unknown(let n, let valid) {
            throw SynthFamilyError.unknown(n, valid: valid + [SynthCheckFamily.familyName])
        }
    }
}
