/// IEEE 754 binary16 and bfloat16 <-> binary32 conversions on bit patterns, written out so they
/// behave identically on every platform (Swift's `Float16` is missing on macOS x86_64).
/// Float -> half rounds to nearest, ties to even, like PyTorch's `.half()` and NumPy's `astype(float16)`.
public enum HalfConversion {
    /// Exact widening of a binary16 bit pattern.
    @inline(__always)
    public static func float(fromHalf h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1f)
        let mantissa = UInt32(h & 0x3ff)
        if exponent == 0 {
            // Zero or subnormal: value = mantissa * 2^-24, exact in binary32.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 0x1f {
            return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }

    /// Narrowing to binary16 with round-to-nearest-even; overflow gives infinity, NaN stays NaN.
    @inline(__always)
    public static func half(fromFloat f: Float) -> UInt16 {
        let bits = f.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xff)
        var mantissa = bits & 0x7f_ffff
        if exponent == 0xff {
            // Keep NaN a (quiet) NaN even when its payload lives only in the low bits.
            return sign | 0x7c00 | (mantissa != 0 ? 0x200 | UInt16(mantissa >> 13) : 0)
        }
        let unbiased = exponent - 127
        if unbiased > 15 { return sign | 0x7c00 }
        if unbiased >= -14 {
            // Normal half: round the 13 dropped bits; a carry may bump the exponent (or reach inf).
            let halfBits = UInt32(unbiased + 15) << 10 | (mantissa >> 13)
            let rest = mantissa & 0x1fff
            var rounded = halfBits
            if rest > 0x1000 || (rest == 0x1000 && (halfBits & 1) == 1) { rounded += 1 }
            return sign | UInt16(rounded)
        }
        if unbiased < -25 { return sign }
        // Subnormal half: shift the full significand (with the implicit 1) right, then round.
        mantissa |= 0x80_0000
        let shift = UInt32(-unbiased - 14 + 13)
        let halfBits = mantissa >> shift
        let rest = mantissa & ((1 << shift) - 1)
        let halfway = UInt32(1) << (shift - 1)
        var rounded = halfBits
        if rest > halfway || (rest == halfway && (halfBits & 1) == 1) { rounded += 1 }
        return sign | UInt16(rounded)
    }

    /// bfloat16 is the top half of a binary32: widening is a shift.
    @inline(__always)
    public static func float(fromBFloat16 b: UInt16) -> Float {
        Float(bitPattern: UInt32(b) << 16)
    }
}
