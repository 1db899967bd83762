/// Nearest down-sampling by 1/2 as torch.nn.functional.interpolate(x, scale_factor=0.5,
/// mode='nearest', recompute_scale_factor=True): output `floor(H / 2)` x `floor(W / 2)`, output
/// (i, j) takes input (2i, 2j) (PyTorch's floor(i * H / OH) is 2i for OH = floor(H / 2)).
/// oneDNN's nearest resampling rounds differently (floor((i + 0.5) * H / OH) = 2i + 1), so
/// this uses its own loops, one (image, channel block) plane per work item, in row-major or
/// nChw16c / nChw8c layout (output in the input's layout). Backward puts dy at (2i, 2j) and
/// zero elsewhere. Pure copies: the result does not depend on the thread count.
public final class NearestDownsample {
    private var savedInput: (shape: [Int], format: DNNLFormat)?

    public init() {}

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard input.count == 4, input[2] >= 2, input[3] >= 2 else {
            throw NNError.badShape("NearestDownsample: input \(input), expected [N, C, H, W] with H, W >= 2")
        }
        return [input[0], input[1], input[2] / 2, input[3] / 2]
    }

    /// `x` `[N, C, H, W]` -> `[N, C, H/2, W/2]` (floor).
    public func forward(_ input: Tensor, mode: ForwardMode) throws -> Tensor {
        let out = try outputShape(for: input.shape)
        let (x, b, format) = try input.spatialPlanes()
        let y = try Tensor(output: try DNNLMemoryDesc(dims: out, format: format))
        let planes = x.memory.floatCount / (x.shape[2] * x.shape[3] * b)
        let (h, w, oh, ow) = (x.shape[2], x.shape[3], out[2], out[3])
        x.memory.withUnsafeBufferPointer { xs in
            y.memory.withUnsafeMutableBufferPointer { ys in
                parallelChannels(planes) { p in
                    let xp = p * h * w * b, yp = p * oh * ow * b
                    for i in 0..<oh {
                        for j in 0..<ow {
                            let src = xp + ((2 * i) * w + 2 * j) * b, dst = yp + (i * ow + j) * b
                            for c in 0..<b { ys[dst + c] = xs[src + c] }
                        }
                    }
                }
            }
        }
        savedInput = mode == .train ? (x.shape, format) : nil
        return y
    }

    /// `dy` `[N, C, H/2, W/2]` -> `dx` `[N, C, H, W]`.
    public func backward(_ dyAny: Tensor) throws -> Tensor {
        guard let s = savedInput else { throw NNError.badState("NearestDownsample.backward without a train-mode forward") }
        let out = try outputShape(for: s.shape)
        guard dyAny.shape == out else { throw NNError.badShape("NearestDownsample.backward: dy \(dyAny.shape), expected \(out)") }
        savedInput = nil
        let b = s.format.channelBlock!
        let dy = try dyAny.inLayout(try DNNLMemoryDesc(dims: out, format: s.format))
        let dx = try Tensor(shape: s.shape, memory: try DNNLMemory(try DNNLMemoryDesc(dims: s.shape, format: s.format)))  // zeroed
        let (h, w, oh, ow) = (s.shape[2], s.shape[3], out[2], out[3])
        let planes = dx.memory.floatCount / (h * w * b)
        dy.memory.withUnsafeBufferPointer { g in
            dx.memory.withUnsafeMutableBufferPointer { d in
                parallelChannels(planes) { p in
                    let xp = p * h * w * b, yp = p * oh * ow * b
                    for i in 0..<oh {
                        for j in 0..<ow {
                            let dst = xp + ((2 * i) * w + 2 * j) * b, src = yp + (i * ow + j) * b
                            for c in 0..<b { d[dst + c] = g[src + c] }
                        }
                    }
                }
            }
        }
        return dx
    }

    public func releaseSaved() { savedInput = nil }
}
