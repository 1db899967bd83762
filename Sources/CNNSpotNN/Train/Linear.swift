/// torch.nn.Linear: `y = x W^T + b`, x `[N, in]`, W `[out, in]`, b `[out]`, y `[N, out]`.
/// Plain loops with Double accumulation: the detector's head is 2048 -> 1, far too small to
/// need a GEMM.
public final class Linear {
    public let inFeatures: Int, outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter
    private var savedInput: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int) throws {
        self.inFeatures = inFeatures; self.outFeatures = outFeatures
        weight = try Parameter(zeros: [outFeatures, inFeatures])
        bias = try Parameter(zeros: [outFeatures])
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        guard x.shape.count == 2, x.shape[1] == inFeatures else {
            throw NNError.badShape("Linear(\(inFeatures)->\(outFeatures)): input \(x.shape), expected [N, \(inFeatures)]")
        }
        let n = x.shape[0], (fi, fo) = (inFeatures, outFeatures)
        let y = try Tensor(zeros: [n, fo])
        let x = try x.plain()
        x.withUnsafeBufferPointer { xs in
            weight.value.withUnsafeBufferPointer { w in
                bias.value.withUnsafeBufferPointer { b in
                    y.withUnsafeMutableBufferPointer { ys in
                        for i in 0..<n {
                            for o in 0..<fo {
                                var s = 0.0
                                for k in 0..<fi { s += Double(xs[i * fi + k]) * Double(w[o * fi + k]) }
                                ys[i * fo + o] = Float(s + Double(b[o]))
                            }
                        }
                    }
                }
            }
        }
        savedInput = mode == .train ? x : nil
        return y
    }

    /// `dy` `[N, out]` -> `dx` `[N, in]`; adds `dy^T x` into weight.grad and `sum_n dy` into bias.grad.
    public func backward(_ dy: Tensor) throws -> Tensor {
        guard let x = savedInput else { throw NNError.badState("Linear.backward without a train-mode forward") }
        let n = x.shape[0], (fi, fo) = (inFeatures, outFeatures)
        guard dy.shape == [n, fo] else { throw NNError.badShape("Linear.backward: dy \(dy.shape), expected \([n, fo])") }
        let dx = try Tensor(zeros: x.shape)
        savedInput = nil
        x.withUnsafeBufferPointer { xs in
            dy.withUnsafeBufferPointer { g in
                weight.value.withUnsafeBufferPointer { w in
                    dx.withUnsafeMutableBufferPointer { d in
                        for i in 0..<n {
                            for k in 0..<fi {
                                var s = 0.0
                                for o in 0..<fo { s += Double(g[i * fo + o]) * Double(w[o * fi + k]) }
                                d[i * fi + k] = Float(s)
                            }
                        }
                    }
                    weight.grad.withUnsafeMutableBufferPointer { gw in
                        for o in 0..<fo {
                            for k in 0..<fi {
                                var s = 0.0
                                for i in 0..<n { s += Double(g[i * fo + o]) * Double(xs[i * fi + k]) }
                                gw[o * fi + k] += Float(s)
                            }
                        }
                    }
                    bias.grad.withUnsafeMutableBufferPointer { gb in
                        for o in 0..<fo {
                            var s = 0.0
                            for i in 0..<n { s += Double(g[i * fo + o]) }
                            gb[o] += Float(s)
                        }
                    }
                }
            }
        }
        return dx
    }

    public func releaseSaved() { savedInput = nil }
}
