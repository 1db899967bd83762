/// The description's input transform on row-major NCHW float32 batches, shared by the
/// trainable and inference networks (it has no parameters and nothing upstream needs its
/// gradient, so it runs once on the host before the first layer).
public enum InputTransformKernel {
    /// Output height and width for an input of `h` x `w`.
    public static func outputSize(_ t: NetworkDescription.InputTransform, height h: Int, width w: Int) -> (height: Int, width: Int) {
        switch t {
        case .identity: return (h, w)
        case .neighbouringPixelResidual: return (h - h % 2, w - w % 2)
        }
    }

    /// `[N, C, H, W]` -> the transformed batch.
    public static func apply(_ t: NetworkDescription.InputTransform, to x: HostTensor) throws -> HostTensor {
        guard x.shape.count == 4 else { throw NNError.badShape("input transform: \(x.shape), expected [N, C, H, W]") }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = outputSize(t, height: h, width: w)
        var out = [Float](repeating: 0, count: n * c * oh * ow)
        try x.data.withUnsafeBufferPointer { src in
            try out.withUnsafeMutableBufferPointer { dst in
                try apply(t, src, batch: n, channels: c, height: h, width: w, into: dst)
            }
        }
        return HostTensor(shape: [n, c, oh, ow], data: out)
    }

    /// In-place variant over raw buffers: `dst` holds `N * C * outputSize` values.
    ///
    /// Neighbouring-pixel residual: `F.interpolate(x, scale_factor=0.5, mode='nearest')` keeps
    /// pixel `(2i, 2j)` of each 2x2 cell (source index `floor(dst * in / out)`, exactly 2 for an
    /// even size); scaling back up by 2 repeats it over the cell. So every pixel minus its
    /// cell's top-left pixel, computed in float32 as PyTorch does, then times `Float(scale)`.
    public static func apply(
        _ t: NetworkDescription.InputTransform, _ src: UnsafeBufferPointer<Float>,
        batch n: Int, channels c: Int, height h: Int, width w: Int,
        into dst: UnsafeMutableBufferPointer<Float>
    ) throws {
        let (oh, ow) = outputSize(t, height: h, width: w)
        guard src.count == n * c * h * w, dst.count == n * c * oh * ow else {
            throw NNError.badShape("input transform: \(src.count) -> \(dst.count) values for [\(n), \(c), \(h), \(w)]")
        }
        switch t {
        case .identity:
            _ = dst.update(fromContentsOf: src)
        case .neighbouringPixelResidual(let scale):
            guard oh >= 2, ow >= 2 else { throw NNError.badShape("neighbouring-pixel residual needs at least 2x2 pixels, got \(h)x\(w)") }
            let s = Float(scale)
            for plane in 0..<(n * c) {
                let base = plane * h * w, out = plane * oh * ow
                for i in 0..<oh {
                    let row = base + i * w, top = base + (i & ~1) * w
                    for j in 0..<ow {
                        dst[out + i * ow + j] = (src[row + j] - src[top + (j & ~1)]) * s
                    }
                }
            }
        }
    }
}
