/// The reference's per-image transform (CNNDetection `data/datasets.py`, `dataset_folder`):
/// resize (shorter side to `loadSize`, interpolation drawn from the list) -> blur with
/// probability `blurProb` -> JPEG with probability `jpegProb` -> crop -> horizontal flip
/// with probability 0.5 -> ToTensor + ImageNet normalisation.
///
/// Random decisions come from a `SeededRandom` in the reference's order: interpolation,
/// blur decision, sigma, JPEG decision, method, quality, crop top, crop left, flip. A uniform
/// draw is made for each decision even when its probability is 0 or 1 (as Python's
/// `random() < p` does), so changing a probability does not shift the later draws.
/// Same seed, same image => same output; the values are not Python's.
public struct AugmentationPipeline: Sendable {
    public let options: AugmentationOptions
    private let jpeg: JPEGRoundTripFunction
    public let normalization: TensorNormalization

    /// - Parameter jpeg: the JPEG step; by default the codecs' `jpegRoundTrip` (libjpeg with
    ///   Pillow's / OpenCV's settings).
    public init(
        options: AugmentationOptions,
        jpeg: @escaping JPEGRoundTripFunction = { try jpegRoundTrip($0, quality: $1, method: $2) },
        normalization: TensorNormalization = .imageNet
    ) throws {
        try options.validate()
        self.options = options
        self.jpeg = jpeg
        self.normalization = normalization
    }

    /// Size after the resize step (before cropping).
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        guard let n = options.loadSize else { return (width, height) }
        return torchvisionResizedSize(width: width, height: height, shorter: n)
    }

    /// Draws every random choice for an image of `width` x `height` (before resize).
    public func draw(width: Int, height: Int, using rng: inout SeededRandom) throws -> AugmentationDraws {
        let o = options
        let interp = o.interpolations.count == 1 ? o.interpolations[0] : rng.choice(o.interpolations)
        var d = AugmentationDraws(
            interpolation: interp, blurSigma: nil, jpegQuality: nil, jpegMethod: nil,
            cropTop: nil, cropLeft: nil, flip: false)
        if rng.uniform() < o.blurProb {
            d.blurSigma =
                o.blurSigma.count == 1
                ? o.blurSigma[0]
                : rng.uniform() * (o.blurSigma[1] - o.blurSigma[0]) + o.blurSigma[0]
        }
        if rng.uniform() < o.jpegProb {
            d.jpegMethod = o.jpegMethods.count == 1 ? o.jpegMethods[0] : rng.choice(o.jpegMethods)
            d.jpegQuality = o.jpegQualities.count == 1 ? o.jpegQualities[0] : rng.choice(o.jpegQualities)
        }
        let size = resizedSize(width: width, height: height)
        switch o.crop {
        case .random(let n):
            guard size.width >= n, size.height >= n else {
                throw ImageOpError("augmentation", "required crop size \(n)x\(n) is larger than the \(size.width)x\(size.height) image")
            }
            // torchvision RandomCrop.get_params: no draw when the image is exactly the crop.
            if size.width == n && size.height == n {
                d.cropTop = 0; d.cropLeft = 0
            } else {
                d.cropTop = rng.integer(in: 0...(size.height - n))
                d.cropLeft = rng.integer(in: 0...(size.width - n))
            }
        case .center(let n):
            let c = centerCropOffsets(imageWidth: size.width, imageHeight: size.height, width: n, height: n)
            d.cropTop = c.top; d.cropLeft = c.left
        case .none:
            break
        }
        if o.flip { d.flip = rng.uniform() < 0.5 }
        return d
    }

    /// Applies drawn choices to a uint8 image; returns the image before ToTensor.
    public func apply(_ draws: AugmentationDraws, to image: RGBImage) throws -> RGBImage {
        let img = try resizeBlurJPEG(draws, image)
        guard let w = window(draws, img) else { return draws.flip ? horizontalFlip(img) : img }
        var out = try crop(img, top: w.top, left: w.left, height: w.size, width: w.size)
        if draws.flip { out = horizontalFlip(out) }
        return out
    }

    /// The steps before the crop: resize, blur, JPEG.
    private func resizeBlurJPEG(_ draws: AugmentationDraws, _ image: RGBImage) throws -> RGBImage {
        var img = image
        if let n = options.loadSize {
            img = try resizeShorterSide(img, to: n, interpolation: draws.interpolation)
        }
        if let sigma = draws.blurSigma {
            try gaussianBlurInPlace(&img, sigma: sigma)
        }
        if let q = draws.jpegQuality, let m = draws.jpegMethod {
            img = try jpeg(img, q, m)
        }
        return img
    }

    /// The crop window, or nil for the whole image.
    private func window(_ draws: AugmentationDraws, _ img: RGBImage) -> (top: Int, left: Int, size: Int)? {
        switch options.crop {
        case .random(let n), .center(let n):
            guard let top = draws.cropTop, let left = draws.cropLeft else { return nil }
            return (top, left, n)
        case .none:
            return nil
        }
    }

    /// Resize/blur/JPEG, then crop + flip + ToTensor + Normalize fused into one pass at `offset`.
    private func writeTensor(
        _ draws: AugmentationDraws, _ image: RGBImage, into out: inout [Float],
        at offset: Int
    ) throws -> (height: Int, width: Int) {
        let img = try resizeBlurJPEG(draws, image)
        let w = window(draws, img) ?? (0, 0, -1)
        let (h, wd) = w.size < 0 ? (img.height, img.width) : (w.size, w.size)
        if out.isEmpty { out = [Float](repeating: 0, count: 3 * h * wd) }
        guard offset + 3 * h * wd <= out.count else {
            throw ImageOpError("augmentation", "batch buffer of \(out.count) floats has no room at \(offset) for [3, \(h), \(wd)]")
        }
        normalization.writeWindow(img, top: w.top, left: w.left, height: h, width: wd, flip: draws.flip, into: &out, at: offset)
        return (h, wd)
    }

    /// Draws and applies: the augmented uint8 image.
    public func augment(_ image: RGBImage, using rng: inout SeededRandom) throws -> RGBImage {
        try apply(try draw(width: image.width, height: image.height, using: &rng), to: image)
    }

    /// The model input: a `[3, H, W]` float32 CHW buffer and its size.
    public func tensor(_ image: RGBImage, using rng: inout SeededRandom) throws -> (chw: [Float], height: Int, width: Int) {
        let draws = try draw(width: image.width, height: image.height, using: &rng)
        var out: [Float] = []
        let size = try writeTensor(draws, image, into: &out, at: 0)
        return (out, size.height, size.width)
    }

    /// Augments and writes item `index` of an `[N, 3, H, W]` batch; returns the item's size.
    @discardableResult
    public func write(
        _ image: RGBImage, into batch: inout [Float], index: Int,
        using rng: inout SeededRandom
    ) throws -> (height: Int, width: Int) {
        let draws = try draw(width: image.width, height: image.height, using: &rng)
        let size = resizedSize(width: image.width, height: image.height)
        let (h, w): (Int, Int)
        switch options.crop {
        case .random(let n), .center(let n): (h, w) = (n, n)
        case .none: (h, w) = (size.height, size.width)
        }
        guard index >= 0, (index + 1) * 3 * h * w <= batch.count else {
            throw ImageOpError("augmentation", "batch buffer of \(batch.count) floats has no item \(index) of shape [3, \(h), \(w)]")
        }
        return try writeTensor(draws, image, into: &batch, at: index * 3 * h * w)
    }
}
