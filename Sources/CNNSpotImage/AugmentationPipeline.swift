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
public struct AugmentationPipeline {
    public let options: AugmentationOptions
    private let jpeg: JPEGRoundTripFunction
    public let normalization: TensorNormalization

    /// - Parameter jpeg: the JPEG step; by default the codecs' `jpegRoundTrip` (libjpeg with
    ///   Pillow's / OpenCV's settings).
    public init(options: AugmentationOptions,
                jpeg: @escaping JPEGRoundTripFunction = { try jpegRoundTrip($0, quality: $1, method: $2) },
                normalization: TensorNormalization = .imageNet) throws {
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
        var d = AugmentationDraws(interpolation: interp, blurSigma: nil, jpegQuality: nil, jpegMethod: nil,
                                  cropTop: nil, cropLeft: nil, flip: false)
        if rng.uniform() < o.blurProb {
            d.blurSigma = o.blurSigma.count == 1 ? o.blurSigma[0]
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
        switch options.crop {
        case .random(let n), .center(let n):
            if let top = draws.cropTop, let left = draws.cropLeft,
               !(top == 0 && left == 0 && img.width == n && img.height == n) {
                img = try crop(img, top: top, left: left, height: n, width: n)
            }
        case .none:
            break
        }
        if draws.flip { img = horizontalFlip(img) }
        return img
    }

    /// Draws and applies: the augmented uint8 image.
    public func augment(_ image: RGBImage, using rng: inout SeededRandom) throws -> RGBImage {
        try apply(try draw(width: image.width, height: image.height, using: &rng), to: image)
    }

    /// The model input: a `[3, H, W]` float32 CHW buffer and its size.
    public func tensor(_ image: RGBImage, using rng: inout SeededRandom) throws -> (chw: [Float], height: Int, width: Int) {
        let out = try augment(image, using: &rng)
        return (normalization.chw(out), out.height, out.width)
    }

    /// Augments and writes item `index` of an `[N, 3, H, W]` batch; returns the item's size.
    @discardableResult
    public func write(_ image: RGBImage, into batch: inout [Float], index: Int,
                      using rng: inout SeededRandom) throws -> (height: Int, width: Int) {
        let out = try augment(image, using: &rng)
        try normalization.write(out, into: &batch, index: index)
        return (out.height, out.width)
    }
}
