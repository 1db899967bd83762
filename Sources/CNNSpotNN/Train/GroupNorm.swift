/// torch.nn.GroupNorm(groups, channels, eps=1e-5, affine): each image's channels split into
/// `groups` runs of channels/groups; every run normalised by its own mean and BIASED variance
/// over (channels of the group, H, W), then (affine) y = xhat * weight[c] + bias[c]. No running
/// statistics: train and eval compute the same. Weight starts at 1, bias at 0 (PyTorch's init).
///
/// Row-major NCHW (a blocked input is converted first; the output is row-major). Own loops
/// (`GroupNormKernels`), Double reductions, thread-count independent.
public final class GroupNorm {
    public let groups: Int, channels: Int
    public let eps: Double
    /// `[channels]` each, nil without affine.
    public let weight: Parameter?
    public let bias: Parameter?
    /// Layer name for messages ("GroupNorm(4, 256)", "InstanceNorm2d(3)").
    let name: String

    private var saved: (x: Tensor, mean: [Double], invStd: [Double])?

    public convenience init(groups: Int, channels: Int, eps: Double = 1e-5, affine: Bool = true) throws {
        try self.init(groups: groups, channels: channels, eps: eps, affine: affine, name: "GroupNorm(\(groups), \(channels))")
    }

    init(groups: Int, channels: Int, eps: Double, affine: Bool, name: String) throws {
        guard groups > 0, channels > 0, channels % groups == 0 else {
            throw NNError.badShape("\(name): channels must be a positive multiple of groups")
        }
        self.groups = groups; self.channels = channels; self.eps = eps; self.name = name
        if affine {
            let w = try Parameter(zeros: [channels])
            w.value.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
            weight = w; bias = try Parameter(zeros: [channels])
        } else {
            weight = nil; bias = nil
        }
    }

    private func geometry(_ shape: [Int]) throws -> GroupNormKernels.Geometry {
        guard shape.count == 4, shape[1] == channels else {
            throw NNError.badShape("\(name): input \(shape), expected [N, \(channels), H, W]")
        }
        return GroupNormKernels.Geometry(n: shape[0], channels: channels, groups: groups, hw: shape[2] * shape[3])
    }

    /// `x` `[N, C, H, W]` -> same shape, row-major. Train mode keeps the input and statistics.
    public func forward(_ input: Tensor, mode: ForwardMode) throws -> Tensor {
        let g = try geometry(input.shape)
        let x = try input.plain()
        let y = try Tensor(output: try .plain(x.shape))
        var mean = [Double](repeating: 0, count: g.n * groups), invStd = mean
        let w = weight?.value.host.data, b = bias?.value.host.data
        x.memory.withUnsafeBufferPointer { xs in
            y.memory.withUnsafeMutableBufferPointer { ys in
                mean.withUnsafeMutableBufferPointer { mb in
                    invStd.withUnsafeMutableBufferPointer { ib in
                        GroupNormKernels.forward(xs, ys, g, eps: eps, weight: w, bias: b, mean: mb, invStd: ib)
                    }
                }
            }
        }
        saved = mode == .train ? (x, mean, invStd) : nil
        return y
    }

    /// `dy` -> `dx` (row-major); with affine adds dweight = sum(dy * xhat) and dbias = sum(dy)
    /// over (N, H, W) into the grads. The saved input is released.
    public func backward(_ dyAny: Tensor) throws -> Tensor {
        guard let s = saved else { throw NNError.badState("\(name).backward without a train-mode forward") }
        guard dyAny.shape == s.x.shape else { throw NNError.badShape("\(name).backward: dy \(dyAny.shape), expected \(s.x.shape)") }
        saved = nil
        let g = try geometry(s.x.shape)
        let dy = try dyAny.plain()
        let dx = try Tensor(output: try .plain(s.x.shape))
        var dots = [Double](repeating: 0, count: g.n * channels), sums = dots
        let w = weight?.value.host.data
        s.x.memory.withUnsafeBufferPointer { xs in
            dy.memory.withUnsafeBufferPointer { gs in
                dx.memory.withUnsafeMutableBufferPointer { d in
                    dots.withUnsafeMutableBufferPointer { db in
                        sums.withUnsafeMutableBufferPointer { sb in
                            GroupNormKernels.backward(x: xs, dy: gs, dx: d, g, mean: s.mean, invStd: s.invStd, weight: w, dotPartials: db, sumPartials: sb)
                        }
                    }
                }
            }
        }
        if let weight, let bias {
            weight.grad.withUnsafeMutableBufferPointer { gw in
                bias.grad.withUnsafeMutableBufferPointer { gb in
                    for c in 0..<channels {
                        var dot = 0.0, sum = 0.0
                        for n in 0..<g.n { dot += dots[n * channels + c]; sum += sums[n * channels + c] }
                        gw[c] += Float(dot); gb[c] += Float(sum)
                    }
                }
            }
        }
        return dx
    }

    public func releaseSaved() { saved = nil }
}
