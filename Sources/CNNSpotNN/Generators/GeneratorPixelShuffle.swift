/// Sub-pixel rearrangement (`torch.nn.PixelShuffle(r)`), inference only:
/// `[N, C r^2, H, W]` -> `[N, C, H r, W r]` with `y[n, c, h r + i, w r + j] = x[n, c r^2 + i r + j, h, w]`.
/// A copy on the row-major values; the result is row-major.
final class GeneratorPixelShuffle {
    let factor: Int

    init(factor: Int) {
        precondition(factor >= 1)
        self.factor = factor
    }

    func forward(_ x: Tensor) throws -> Tensor {
        let r = factor, r2 = factor * factor
        guard x.shape.count == 4, x.shape[1] % r2 == 0 else {
            throw NNError.badShape("pixel shuffle x\(r): input \(x.shape), channels must be a multiple of \(r2)")
        }
        let (n, c, h, w) = (x.shape[0], x.shape[1] / r2, x.shape[2], x.shape[3])
        let y = try Tensor(zeros: [n, c, h * r, w * r])
        let ow = w * r
        x.withUnsafeBufferPointer { src in
            y.memory.withUnsafeMutableBufferPointer { dst in
                parallelChannels(n * c) { nc in
                    let outBase = nc * h * r * ow
                    for i in 0..<r {
                        for j in 0..<r {
                            let inBase = (nc * r2 + i * r + j) * h * w
                            for yy in 0..<h {
                                let row = outBase + (yy * r + i) * ow + j
                                let inRow = inBase + yy * w
                                for xx in 0..<w { dst[row + xx * r] = src[inRow + xx] }
                            }
                        }
                    }
                }
            }
        }
        return y
    }
}
