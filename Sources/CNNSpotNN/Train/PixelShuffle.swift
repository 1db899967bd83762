/// Depth-to-space (torch.nn.PixelShuffle(r)): `[N, C*r*r, H, W]` -> `[N, C, H*r, W*r]` with
/// y[n, c, h*r + i, w*r + j] = x[n, c*r*r + i*r + j, h, w] (PyTorch's channel order). Backward is
/// the inverse permutation of dy. Own loops over row-major tensors (a blocked input is converted
/// first), one output channel plane per work item; pure copies, so thread-count independent.
public final class PixelShuffle {
    public let factor: Int
    private var savedShape: [Int]?

    public init(_ factor: Int) throws {
        guard factor >= 1 else { throw NNError.badShape("PixelShuffle: factor \(factor) must be positive") }
        self.factor = factor
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        let rr = factor * factor
        guard input.count == 4, input[1] % rr == 0 else {
            throw NNError.badShape("PixelShuffle(\(factor)): input \(input), expected [N, C*\(rr), H, W]")
        }
        return [input[0], input[1] / rr, input[2] * factor, input[3] * factor]
    }

    /// Copies between the `[N, C*r*r, H, W]` layout `a` and the `[N, C, H*r, W*r]` layout `b`
    /// (`toB`: a -> b, else b -> a).
    private func permute(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>, input s: [Int], toB: Bool) {
        let r = factor, (h, w) = (s[2], s[3]), c = s[1] / (r * r), (oh, ow) = (h * r, w * r)
        parallelChannels(s[0] * c) { plane in  // plane = n * C + c, an output channel
            let yBase = plane * oh * ow, xBase = plane * r * r * h * w  // its r*r input channels are contiguous
            for i in 0..<r {
                for j in 0..<r {
                    let xc = xBase + (i * r + j) * h * w
                    for y in 0..<h {
                        let yRow = yBase + (y * r + i) * ow + j, xRow = xc + y * w
                        if toB { for x in 0..<w { b[yRow + x * r] = a[xRow + x] } } else { for x in 0..<w { a[xRow + x] = b[yRow + x * r] } }
                    }
                }
            }
        }
    }

    public func forward(_ input: Tensor, mode: ForwardMode) throws -> Tensor {
        let out = try outputShape(for: input.shape)
        let x = try input.plain()
        let y = try Tensor(output: try .plain(out))
        x.memory.withUnsafeBufferPointer { xs in
            y.memory.withUnsafeMutableBufferPointer { ys in
                permute(UnsafeMutableBufferPointer(mutating: xs), ys, input: x.shape, toB: true)  // xs only read
            }
        }
        savedShape = mode == .train ? x.shape : nil
        return y
    }

    public func backward(_ dyAny: Tensor) throws -> Tensor {
        guard let s = savedShape else { throw NNError.badState("PixelShuffle.backward without a train-mode forward") }
        let out = try outputShape(for: s)
        guard dyAny.shape == out else { throw NNError.badShape("PixelShuffle.backward: dy \(dyAny.shape), expected \(out)") }
        savedShape = nil
        let dy = try dyAny.plain()
        let dx = try Tensor(output: try .plain(s))
        dy.memory.withUnsafeBufferPointer { g in
            dx.memory.withUnsafeMutableBufferPointer { d in
                permute(d, UnsafeMutableBufferPointer(mutating: g), input: s, toB: false)  // g only read
            }
        }
        return dx
    }

    public func releaseSaved() { savedShape = nil }
}
