/// TAEF2's residual block (models/taef2/README.md, "Block(64)"), 64 channels:
/// optionally `x = x + g(x)` with `g` = 1x1 conv 64->256 (no bias), GroupNorm(4 groups), ReLU,
/// 1x1 conv 256->64 (no bias) (the six "with GN" blocks); then `ReLU(c(x) + x)` with
/// `c` = conv3x3, ReLU, conv3x3, ReLU, conv3x3 (biases). The adds are fused into the last conv
/// of each path as oneDNN sum post-ops.
struct TAEF2Block {
    let conv0: GeneratorConv, conv2: GeneratorConv, conv4: GeneratorConv
    let pool: (expand: GeneratorConv, norm: GeneratorGroupNorm, project: GeneratorConv)?

    init(_ w: inout GeneratorWeights, prefix p: String, groupNorm: Bool) throws {
        func conv(_ k: String, relu: Bool) throws -> GeneratorConv {
            try GeneratorConv(
                weight: w.tensor("\(p).conv.\(k).weight", [64, 64, 3, 3]), bias: w.tensor("\(p).conv.\(k).bias", [64]),
                padding: 1, activation: relu ? .relu : .identity, name: "\(p).conv.\(k)")
        }
        conv0 = try conv("0", relu: true)
        conv2 = try conv("2", relu: true)
        conv4 = try GeneratorConv(
            weight: w.tensor("\(p).conv.4.weight", [64, 64, 3, 3]), bias: w.tensor("\(p).conv.4.bias", [64]),
            padding: 1, activation: .relu, name: "\(p).conv.4")
        if groupNorm {
            pool = (
                try GeneratorConv(weight: w.tensor("\(p).pool.0.weight", [256, 64, 1, 1]), bias: nil, padding: 0, name: "\(p).pool.0"),
                try GeneratorGroupNorm(
                    groups: 4, channels: 256, eps: 1e-5, gamma: w.tensor("\(p).pool.1.weight", [256]),
                    beta: w.tensor("\(p).pool.1.bias", [256]), activation: .relu, name: "\(p).pool.1"),
                try GeneratorConv(weight: w.tensor("\(p).pool.3.weight", [64, 256, 1, 1]), bias: nil, padding: 0, name: "\(p).pool.3")
            )
        } else {
            pool = nil
        }
    }

    func forward(_ input: Tensor) throws -> Tensor {
        var x = input
        if let pool { x = try pool.project.forward(pool.norm.forward(pool.expand.forward(x)), adding: x) }
        return try conv4.forward(conv2.forward(conv0.forward(x)), adding: x)
    }
}
