/// Resampling filters the reference samples from (`rz_interp`): Pillow's BILINEAR, BICUBIC,
/// LANCZOS and NEAREST.
public enum Interpolation: String, CaseIterable, Sendable {
    case bilinear, bicubic, lanczos, nearest
}

/// torchvision's `_compute_resized_output_size` for an int `size`: the shorter side becomes
/// `shorter`, the longer `int(shorter * long / short)` (float division, truncated); a square
/// stays square.
public func torchvisionResizedSize(width: Int, height: Int, shorter: Int) -> (width: Int, height: Int) {
    let short = min(width, height), long = max(width, height)
    let newLong = Int(Double(shorter) * Double(long) / Double(short))
    return width <= height ? (shorter, newLong) : (newLong, shorter)
}

/// `torchvision.transforms.functional.resize(pil_image, shorter, interpolation)` as the
/// reference's `custom_resize` calls it: the shorter side becomes `shorter` (see
/// `torchvisionResizedSize`). When that leaves the size unchanged torchvision returns the image
/// untouched (no resampling), and so does this.
public func resizeShorterSide(_ image: RGBImage, to shorter: Int, interpolation: Interpolation) throws -> RGBImage {
    guard image.width > 0, image.height > 0 else {
        throw ImageOpError("resize", "cannot resize an empty \(image.width)x\(image.height) image")
    }
    guard shorter > 0, shorter <= maxResizeSide else {
        throw ImageOpError("resize", "shorter side must be in 1...\(maxResizeSide), got \(shorter)")
    }
    let size = torchvisionResizedSize(width: image.width, height: image.height, shorter: shorter)
    if size.width == image.width && size.height == image.height { return image }
    return try resize(image, width: size.width, height: size.height, interpolation: interpolation)
}

/// Largest output side accepted (bounds the allocation on untrusted sizes).
public let maxResizeSide = 16384

/// Pillow's `Image.resize((width, height), filter)` on an RGB image, exact:
/// - NEAREST: `ImagingScaleAffine` (source coordinate `(x + 0.5) * in/out`, accumulated in
///   float64, truncated);
/// - the others: `ImagingResample`, separable convolution whose support grows with the
///   downscale factor (antialiasing), coefficients rounded to 22-bit fixed point, horizontal
///   pass first (only over the rows the vertical pass uses), each pass rounded and clipped to
///   8 bits. A pass whose size does not change is skipped.
/// Same size returns a copy, as Pillow does.
public func resize(_ image: RGBImage, width: Int, height: Int, interpolation: Interpolation) throws -> RGBImage {
    guard width > 0, height > 0, width <= maxResizeSide, height <= maxResizeSide else {
        throw ImageOpError("resize", "output size \(width)x\(height) must be within 1...\(maxResizeSide)")
    }
    guard image.width > 0, image.height > 0 else {
        throw ImageOpError("resize", "cannot resize an empty \(image.width)x\(image.height) image")
    }
    if width == image.width && height == image.height { return image }
    switch interpolation {
    case .nearest:
        return pillowNearest(image, width: width, height: height)
    case .bilinear:
        return pillowResample(image, width: width, height: height, filter: .bilinear)
    case .bicubic:
        return pillowResample(image, width: width, height: height, filter: .bicubic)
    case .lanczos:
        return pillowResample(image, width: width, height: height, filter: .lanczos)
    }
}
