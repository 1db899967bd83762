import Foundation

/// Group normalisation, inference only (`torch.nn.GroupNorm(groups, C, eps)`; `InstanceNorm2d`
/// is `groups == C` without affine): per image and group, mean and biased variance over the
/// group's channels and all positions, `y = (x - mean) / sqrt(var + eps) * gamma[c] + beta[c]`,
/// then the activation. Statistics are summed in Double, one group at a time in a fixed order,
/// so the result does not depend on the thread count. Works on row-major values; the result is
/// row-major.
final class GeneratorGroupNorm {
    let groups: Int, channels: Int
    let eps: Double
    let activation: GeneratorActivation
    private let gamma: [Float]?
    private let beta: [Float]?

    init(
        groups: Int, channels: Int, eps: Double = 1e-5, gamma: HostTensor? = nil, beta: HostTensor? = nil,
        activation: GeneratorActivation = .identity, name: String
    ) throws {
        guard groups > 0, channels % groups == 0 else {
            throw NNError.badShape("\(name): \(channels) channels in \(groups) groups")
        }
        for (t, what) in [(gamma, "weight"), (beta, "bias")] {
            if let t, t.shape != [channels] { throw NNError.badShape("\(name).\(what): \(t.shape), expected [\(channels)]") }
        }
        self.groups = groups; self.channels = channels; self.eps = eps; self.activation = activation
        self.gamma = gamma?.data; self.beta = beta?.data
    }

    func forward(_ x: Tensor) throws -> Tensor {
        guard x.shape.count == 4, x.shape[1] == channels else {
            throw NNError.badShape("group norm (\(channels) channels): input \(x.shape)")
        }
        let n = x.shape[0], hw = x.shape[2] * x.shape[3], per = channels / groups
        let y = try Tensor(zeros: x.shape)
        let act = activation
        x.withUnsafeBufferPointer { src in
            y.memory.withUnsafeMutableBufferPointer { dst in
                parallelChannels(n * groups) { ng in
                    let base = ng * per * hw, count = per * hw
                    var sum = 0.0
                    for i in base..<base + count { sum += Double(src[i]) }
                    let mean = sum / Double(count)
                    var sq = 0.0
                    for i in base..<base + count { let d = Double(src[i]) - mean; sq += d * d }
                    let invStd = 1 / (sq / Double(count) + eps).squareRoot()
                    for k in 0..<per {
                        let c = (ng % groups) * per + k
                        let g = Double(gamma?[c] ?? 1), b = Double(beta?[c] ?? 0)
                        let scale = Float(invStd * g), shift = Float(b - mean * invStd * g)
                        let lo = base + k * hw
                        for i in lo..<lo + hw { dst[i] = act.apply(src[i] * scale + shift) }
                    }
                }
            }
        }
        return y
    }
}
