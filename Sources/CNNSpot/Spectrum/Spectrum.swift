import Foundation

/// The average spectrum of high-pass residuals over many images of one source (Wang et al. 2020,
/// Fig. 5, after Zhang et al. 2019): for each image and plane, `r = x - median3(x)`, then
/// `log(|FFT2(r)| + epsilon)`, averaged over images and centred with `fftshift`.
///
/// Conventions (chosen here, the paper gives no code):
/// - `x` is the pixel value / 255 as Float (the scale of `ToTensor`); grey is
///   `(0.299 R + 0.587 G + 0.114 B) / 255` computed in Double, then rounded to Float.
/// - The median filter is injected (`3x3`, SciPy `median_filter(size=3, mode='reflect')` semantics
///   expected); the residual and FFT are Double.
/// - The mean is of the log magnitudes (a geometric mean of magnitudes), no per-image
///   normalisation; `.decibels` gives `20 log10(|F| + epsilon)` instead of the natural log.
/// - Output per plane: row-major `height x width`, zero frequency at `(height / 2, width / 2)`.
public struct ResidualSpectrum {
    public enum Planes: Sendable { case grey, rgb }
    public enum Scale: Sendable { case naturalLog, decibels }
    /// `(values, width, height) -> filtered values`, row-major `height x width`.
    public typealias MedianFilter = ([Float], Int, Int) -> [Float]

    public let width: Int, height: Int
    public let planes: Planes
    public let scale: Scale
    public let epsilon: Double
    public private(set) var imageCount = 0
    private let median: MedianFilter
    private let fft: FFT2D
    private var sums: [[Double]]

    public init(
        width: Int, height: Int, planes: Planes = .grey, scale: Scale = .naturalLog,
        epsilon: Double = 1e-8, medianFilter: @escaping MedianFilter
    ) {
        precondition(width >= 1 && height >= 1, "ResidualSpectrum: size \(width)x\(height)")
        self.width = width; self.height = height
        self.planes = planes; self.scale = scale; self.epsilon = epsilon
        median = medianFilter
        fft = FFT2D(height: height, width: width)
        sums = Array(repeating: [Double](repeating: 0, count: width * height), count: planes == .grey ? 1 : 3)
    }

    /// Adds one image; it must have the accumulator's size (crop or resize beforehand).
    public mutating func add(_ image: RGBImage) throws {
        guard image.width == width && image.height == height else {
            throw SpectrumError.sizeMismatch(expected: (width, height), got: (image.width, image.height))
        }
        try add(planes: ResidualSpectrum.planes(of: image, planes))
    }

    /// Adds the centre `width x height` crop of a larger image (torchvision `CenterCrop` offsets:
    /// `round((H - height) / 2)`, `round((W - width) / 2)`, halves rounded to even as Python does).
    public mutating func add(centerCropOf image: RGBImage) throws {
        try add(ResidualSpectrum.centerCrop(image, width: width, height: height))
    }

    public static func centerCrop(_ image: RGBImage, width w: Int, height h: Int) throws -> RGBImage {
        guard image.width >= w && image.height >= h else {
            throw SpectrumError.sizeMismatch(expected: (w, h), got: (image.width, image.height))
        }
        let top = Int((Double(image.height - h) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(image.width - w) / 2).rounded(.toNearestOrEven))
        var px = [UInt8](); px.reserveCapacity(w * h * 3)
        for y in top..<top + h {
            let start = (y * image.width + left) * 3
            px += image.pixels[start..<start + w * 3]
        }
        return RGBImage(width: w, height: h, pixels: px)
    }

    /// Adds one image given as planes of Float values (1 for grey, 3 for RGB), each row-major.
    public mutating func add(planes input: [[Float]]) throws {
        guard input.count == sums.count else {
            throw SpectrumError.planeCount(expected: sums.count, got: input.count)
        }
        for (p, plane) in input.enumerated() {
            guard plane.count == width * height else {
                throw SpectrumError.planeSize(expected: width * height, got: plane.count)
            }
            let filtered = median(plane, width, height)
            guard filtered.count == plane.count else {
                throw SpectrumError.planeSize(expected: plane.count, got: filtered.count)
            }
            let residual = zip(plane, filtered).map { Double($0) - Double($1) }
            let magnitudes = fft.forward(real: residual).magnitudes
            for i in magnitudes.indices {
                let m = magnitudes[i] + epsilon
                sums[p][i] += scale == .naturalLog ? log(m) : 20 * log10(m)
            }
        }
        imageCount += 1
    }

    /// The centred mean log spectrum per plane (`height x width` each); nil before any image.
    public func mean() -> [[Double]]? {
        guard imageCount > 0 else { return nil }
        let n = Double(imageCount)
        return sums.map { FFT2D.fftshift($0.map { $0 / n }, height: height, width: width) }
    }

    /// The Float planes of an image under this type's conventions.
    public static func planes(of image: RGBImage, _ planes: Planes) -> [[Float]] {
        let px = image.pixels
        switch planes {
        case .rgb:
            return (0..<3).map { c in stride(from: c, to: px.count, by: 3).map { Float(px[$0]) / 255 } }
        case .grey:
            return [
                stride(from: 0, to: px.count, by: 3).map { i -> Float in
                    let v = 0.299 * Double(px[i]) + 0.587 * Double(px[i + 1]) + 0.114 * Double(px[i + 2])
                    return Float(v / 255.0)
                }
            ]
        }
    }
}

public enum SpectrumError: Error, CustomStringConvertible {
    case sizeMismatch(expected: (Int, Int), got: (Int, Int))
    case planeCount(expected: Int, got: Int)
    case planeSize(expected: Int, got: Int)

    public var description: String {
        switch self {
        case let .sizeMismatch(e, g):
            return "spectrum: image is \(g.0)x\(g.1) but the average is over \(e.0)x\(e.1) images (crop them to one size)"
        case let .planeCount(e, g): return "spectrum: \(g) planes given, \(e) expected"
        case let .planeSize(e, g): return "spectrum: plane of \(g) values, \(e) expected"
        }
    }
}
