/// torch.nn.InstanceNorm2d(channels, eps=1e-5, affine=False, track_running_stats=False): every
/// (image, channel) plane normalised by its own mean and biased variance over (H, W), in train
/// and eval alike (no running statistics); optionally affine (weight 1, bias 0 at start).
/// GroupNorm with one channel per group. As PyTorch, refuses planes of a single value
/// ("Expected more than 1 spatial element"): the output would be all zeros.
public final class InstanceNorm2d {
    public let channels: Int
    private let norm: GroupNorm
    public var eps: Double { norm.eps }
    public var weight: Parameter? { norm.weight }
    public var bias: Parameter? { norm.bias }

    public init(_ channels: Int, eps: Double = 1e-5, affine: Bool = false) throws {
        self.channels = channels
        norm = try GroupNorm(groups: channels, channels: channels, eps: eps, affine: affine, name: "InstanceNorm2d(\(channels))")
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        if x.shape.count == 4 && x.shape[2] * x.shape[3] == 1 {
            throw NNError.badShape("InstanceNorm2d(\(channels)): input \(x.shape) has one value per plane, expected more than 1 spatial element")
        }
        return try norm.forward(x, mode: mode)
    }

    public func backward(_ dy: Tensor) throws -> Tensor { try norm.backward(dy) }
    public func releaseSaved() { norm.releaseSaved() }
}
