/// The JPEG block grid of a photo after its EXIF orientation is applied.
public enum SynthJPEGGrid {
    /// Where the stored image's block boundaries (multiples of the MCU from its top-left corner)
    /// fall after `PIL.ImageOps.exif_transpose` for `orientation`: a flipped axis of length L
    /// has its boundaries at L mod MCU; transposing orientations (5-8) swap the axes.
    public static func phase(
        orientation: Int, storedWidth w: Int, storedHeight h: Int,
        mcuWidth mw: Int, mcuHeight mh: Int
    ) -> (phase: (x: Int, y: Int), step: (x: Int, y: Int)) {
        let fx = w % mw, fy = h % mh
        switch orientation {
        case 2: return ((fx, 0), (mw, mh))
        case 3: return ((fx, fy), (mw, mh))
        case 4: return ((0, fy), (mw, mh))
        case 5: return ((0, 0), (mh, mw))
        case 6: return ((fy, 0), (mh, mw))
        case 7: return ((fy, fx), (mh, mw))
        case 8: return ((0, fx), (mh, mw))
        default: return ((0, 0), (mw, mh))
        }
    }
}
