/// A complex image, row-major `height x width`, real and imaginary parts in separate planes.
public struct ComplexPlane: Sendable, Equatable {
    public var height: Int, width: Int
    public var re: [Double], im: [Double]

    public init(height: Int, width: Int, re: [Double], im: [Double]) {
        precondition(
            re.count == height * width && im.count == height * width,
            "ComplexPlane: \(re.count)/\(im.count) values for \(height)x\(width)")
        self.height = height; self.width = width; self.re = re; self.im = im
    }

    /// `|z|` per element, row-major.
    public var magnitudes: [Double] { zip(re, im).map { ($0 * $0 + $1 * $1).squareRoot() } }
}

/// The 2-D forward DFT of one image size, as `numpy.fft.fft2` (rows, then columns; unnormalised).
public struct FFT2D: Sendable {
    public let height: Int, width: Int
    private let rows: FFTPlan, columns: FFTPlan

    public init(height: Int, width: Int) {
        precondition(height >= 1 && width >= 1, "FFT2D: size \(height)x\(width)")
        self.height = height; self.width = width
        rows = FFTPlan(count: width)
        columns = width == height ? rows : FFTPlan(count: height)
    }

    /// FFT of a real row-major `height x width` array.
    public func forward(real x: [Double]) -> ComplexPlane {
        precondition(x.count == height * width, "FFT2D: \(x.count) values for \(height)x\(width)")
        return forward(ComplexPlane(height: height, width: width, re: x, im: [Double](repeating: 0, count: x.count)))
    }

    public func forward(_ input: ComplexPlane) -> ComplexPlane {
        precondition(input.height == height && input.width == width, "FFT2D: plane size mismatch")
        var z = input
        var lineRe = [Double](repeating: 0, count: width), lineIm = lineRe
        for y in 0..<height {
            let base = y * width
            for x in 0..<width { lineRe[x] = z.re[base + x]; lineIm[x] = z.im[base + x] }
            rows.forward(re: &lineRe, im: &lineIm)
            for x in 0..<width { z.re[base + x] = lineRe[x]; z.im[base + x] = lineIm[x] }
        }
        var colRe = [Double](repeating: 0, count: height), colIm = colRe
        for x in 0..<width {
            for y in 0..<height { colRe[y] = z.re[y * width + x]; colIm[y] = z.im[y * width + x] }
            columns.forward(re: &colRe, im: &colIm)
            for y in 0..<height { z.re[y * width + x] = colRe[y]; z.im[y * width + x] = colIm[y] }
        }
        return z
    }

    /// `numpy.fft.fftshift` of a row-major `height x width` array: rolls both axes by `n / 2`
    /// (floor), so the zero frequency lands at `(height / 2, width / 2)`.
    public static func fftshift<T>(_ a: [T], height: Int, width: Int) -> [T] {
        precondition(a.count == height * width, "fftshift: \(a.count) values for \(height)x\(width)")
        var out = a
        let dy = height / 2, dx = width / 2
        for y in 0..<height {
            let ty = (y + dy) % height
            for x in 0..<width { out[ty * width + (x + dx) % width] = a[y * width + x] }
        }
        return out
    }
}
