/// Mirror left-right (Pillow `FLIP_LEFT_RIGHT`, torchvision `hflip`).
public func horizontalFlip(_ image: RGBImage) -> RGBImage {
    var out = image
    let w = image.width
    image.pixels.withUnsafeBufferPointer { s in
        out.pixels.withUnsafeMutableBufferPointer { d in
            for y in 0..<image.height {
                let row = y * w * 3
                for x in 0..<w {
                    let si = row + x * 3, di = row + (w - 1 - x) * 3
                    d[di] = s[si]; d[di + 1] = s[si + 1]; d[di + 2] = s[si + 2]
                }
            }
        }
    }
    return out
}
