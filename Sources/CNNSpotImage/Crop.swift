/// A `height` x `width` window of `image` whose top-left corner is at (`top`, `left`);
/// pixels outside the image are 0, as Pillow's `Image.crop` (and so torchvision's `crop`)
/// fills them. `top`/`left` may be negative.
public func crop(_ image: RGBImage, top: Int, left: Int, height: Int, width: Int) throws -> RGBImage {
    guard height > 0, width > 0, height <= maxResizeSide, width <= maxResizeSide else {
        throw ImageOpError("crop", "crop size \(width)x\(height) must be within 1...\(maxResizeSide)")
    }
    var out = RGBImage(width: width, height: height)
    let x0 = max(left, 0), x1 = min(left + width, image.width)
    guard x0 < x1 else { return out }
    let n = (x1 - x0) * 3
    image.pixels.withUnsafeBufferPointer { s in
        out.pixels.withUnsafeMutableBufferPointer { d in
            for y in max(top, 0)..<max(max(top, 0), min(top + height, image.height)) {
                let si = (y * image.width + x0) * 3
                let di = ((y - top) * width + (x0 - left)) * 3
                for i in 0..<n { d[di + i] = s[si + i] }
            }
        }
    }
    return out
}

/// Offsets of torchvision's `center_crop` for a crop of `height` x `width`: when the crop is
/// larger than the image, torchvision first pads with 0 (`(crop - size) // 2` before, the rest
/// after), then takes `int(round((padded - crop) / 2.0))` (Python rounds halves to even).
/// Returns the top-left corner in the coordinates of the unpadded image (may be negative).
public func centerCropOffsets(imageWidth: Int, imageHeight: Int, width: Int, height: Int) -> (top: Int, left: Int) {
    func offset(_ size: Int, _ target: Int) -> Int {
        let before = target > size ? (target - size) / 2 : 0
        let after = target > size ? (target - size + 1) / 2 : 0
        let padded = size + before + after
        return Int((Double(padded - target) / 2.0).rounded(.toNearestOrEven)) - before
    }
    return (offset(imageHeight, height), offset(imageWidth, width))
}

/// torchvision `transforms.CenterCrop((height, width))` on a PIL image (zero padding when the
/// crop is larger than the image).
public func centerCrop(_ image: RGBImage, height: Int, width: Int) throws -> RGBImage {
    let o = centerCropOffsets(imageWidth: image.width, imageHeight: image.height, width: width, height: height)
    return try crop(image, top: o.top, left: o.left, height: height, width: width)
}

/// torchvision `transforms.RandomCrop((height, width))` (no padding): top uniform in
/// `0...(H - height)` drawn first, then left in `0...(W - width)`, as `get_params` does; no draw
/// when the sizes are equal. A crop larger than the image is an error, as in torchvision.
public func randomCrop(_ image: RGBImage, height: Int, width: Int, using rng: inout SeededRandom) throws -> RGBImage {
    guard image.height >= height, image.width >= width else {
        throw ImageOpError("randomCrop", "required crop size \(width)x\(height) is larger than the \(image.width)x\(image.height) image")
    }
    if image.height == height && image.width == width { return image }
    let top = rng.integer(in: 0...(image.height - height))
    let left = rng.integer(in: 0...(image.width - width))
    return try crop(image, top: top, left: left, height: height, width: width)
}
