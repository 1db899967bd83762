/// The IJG quality scale (libjpeg's `jpeg_set_quality`, used by Pillow, OpenCV, ImageMagick and
/// most cameras' "quality" settings): a file's luminance table against the scaled Annex K table.
extension JPEGQuantization {
    /// ITU-T T.81 Annex K.1 luminance table, natural order (libjpeg's std_luminance_quant_tbl).
    public static let annexKLuminance: [UInt16] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99
    ]

    /// The luminance table `jpeg_set_quality(quality, forceBaseline)` writes: scale
    /// 5000 / q below 50, 200 - 2q from 50; entries (base * scale + 50) / 100 clamped to
    /// 1...32767 (1...255 when baseline is forced, as Pillow and OpenCV do).
    public static func ijgLuminance(quality: Int, forceBaseline: Bool = true) -> [UInt16] {
        let q = min(max(quality, 1), 100)
        let scale = q < 50 ? 5000 / q : 200 - 2 * q
        return annexKLuminance.map { base in
            let v = (Int(base) * scale + 50) / 100
            return UInt16(min(max(v, 1), forceBaseline ? 255 : 32767))
        }
    }

    /// The IJG quality whose luminance table this file's equals (`exact`), else the quality
    /// whose table is nearest (least sum of absolute differences over the 64 steps; ties go to
    /// the higher quality). Both the baseline-forced and the unforced tables are tried.
    public var ijgQuality: (quality: Int, exact: Bool) { Self.ijgQuality(luminance: luminance) }

    public static func ijgQuality(luminance table: [UInt16]) -> (quality: Int, exact: Bool) {
        precondition(table.count == 64, "a quantisation table has 64 entries")
        var best = (quality: 100, distance: Int.max)
        for q in stride(from: 100, through: 1, by: -1) {
            for baseline in [true, false] {
                let t = ijgLuminance(quality: q, forceBaseline: baseline)
                if t == table { return (q, true) }
                let d = zip(t, table).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
                if d < best.distance { best = (q, d) }
            }
        }
        return (best.quality, false)
    }
}
