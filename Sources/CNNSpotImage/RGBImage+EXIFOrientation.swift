extension RGBImage {
    /// The image as `PIL.ImageOps.exif_transpose` leaves it for EXIF orientation `o`:
    /// 2 FLIP_LEFT_RIGHT, 3 ROTATE_180, 4 FLIP_TOP_BOTTOM, 5 TRANSPOSE, 6 ROTATE_270 (clockwise),
    /// 7 TRANSVERSE, 8 ROTATE_90 (counter-clockwise); 1 and unknown values change nothing.
    public func applyingEXIFOrientation(_ o: Int) -> RGBImage {
        let w = width, h = height
        // Source coordinates of output pixel (x, y); swaps = output is h x w.
        let swaps: Bool
        let source: (Int, Int) -> (Int, Int)
        switch o {
        case 2: swaps = false; source = { x, y in (w - 1 - x, y) }
        case 3: swaps = false; source = { x, y in (w - 1 - x, h - 1 - y) }
        case 4: swaps = false; source = { x, y in (x, h - 1 - y) }
        case 5: swaps = true; source = { x, y in (y, x) }
        case 6: swaps = true; source = { x, y in (y, h - 1 - x) }
        case 7: swaps = true; source = { x, y in (w - 1 - y, h - 1 - x) }
        case 8: swaps = true; source = { x, y in (w - 1 - y, x) }
        default: return self
        }
        let ow = swaps ? h : w, oh = swaps ? w : h
        var out = [UInt8](repeating: 0, count: ow * oh * 3)
        pixels.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                for y in 0..<oh {
                    for x in 0..<ow {
                        let (sx, sy) = source(x, y)
                        let si = (sy * w + sx) * 3, di = (y * ow + x) * 3
                        d[di] = s[si]; d[di + 1] = s[si + 1]; d[di + 2] = s[si + 2]
                    }
                }
            }
        }
        return RGBImage(width: ow, height: oh, pixels: out)
    }
}
