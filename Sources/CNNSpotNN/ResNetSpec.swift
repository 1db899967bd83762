/// The torchvision ResNet family (He et al. 2016; torchvision `resnet.py`, "v1.5": the
/// stride sits on the 3x3 conv of a bottleneck) described as data: its blocks, and every
/// state-dict key with its shape, in torchvision's `state_dict()` order.
public struct ResNetSpec: Equatable, Sendable {
    public enum Architecture: String, CaseIterable, Sendable {
        case resnet18, resnet34, resnet50, resnet101, resnet152
    }

    public let architecture: Architecture
    /// Outputs of the final `fc` layer (1 for the detector: one logit).
    public let numClasses: Int

    public init(_ architecture: Architecture = .resnet50, numClasses: Int = 1) {
        self.architecture = architecture
        self.numClasses = numClasses
    }

    /// Blocks per stage (`layer1`..`layer4`).
    public var layers: [Int] {
        switch architecture {
        case .resnet18: return [2, 2, 2, 2]
        case .resnet34, .resnet50: return [3, 4, 6, 3]
        case .resnet101: return [3, 4, 23, 3]
        case .resnet152: return [3, 8, 36, 3]
        }
    }

    /// Bottleneck (1x1, 3x3, 1x1 with expansion 4) or BasicBlock (3x3, 3x3).
    public var isBottleneck: Bool { architecture != .resnet18 && architecture != .resnet34 }
    public var expansion: Int { isBottleneck ? 4 : 1 }
    /// Channels entering `fc` (2048 for ResNet-50).
    public var featureChannels: Int { 512 * expansion }

    /// One residual block: its key prefix (`layer2.0`), channels and stride.
    public struct Block: Equatable, Sendable {
        public let prefix: String
        public let inChannels: Int
        public let width: Int
        public let outChannels: Int
        public let stride: Int
        public var hasDownsample: Bool { stride != 1 || inChannels != outChannels }
    }

    /// Blocks in forward order.
    public var blocks: [Block] {
        var result: [Block] = []
        var inChannels = 64
        for (stage, count) in layers.enumerated() {
            let width = 64 << stage
            for i in 0..<count {
                let stride = (i == 0 && stage > 0) ? 2 : 1
                let out = width * expansion
                result.append(Block(prefix: "layer\(stage + 1).\(i)", inChannels: inChannels,
                                    width: width, outChannels: out, stride: stride))
                inChannels = out
            }
        }
        return result
    }

    /// Every state-dict entry (parameters and buffers) with its shape, in torchvision's order.
    /// `num_batches_tracked` has shape `[]`.
    public var stateDictShapes: [(key: String, shape: [Int])] {
        var out: [(String, [Int])] = []
        func conv(_ key: String, _ o: Int, _ i: Int, _ k: Int) { out.append((key + ".weight", [o, i, k, k])) }
        func bn(_ key: String, _ c: Int) {
            for name in ["weight", "bias", "running_mean", "running_var"] { out.append((key + "." + name, [c])) }
            out.append((key + ".num_batches_tracked", []))
        }
        conv("conv1", 64, 3, 7)
        bn("bn1", 64)
        for b in blocks {
            if isBottleneck {
                conv(b.prefix + ".conv1", b.width, b.inChannels, 1); bn(b.prefix + ".bn1", b.width)
                conv(b.prefix + ".conv2", b.width, b.width, 3); bn(b.prefix + ".bn2", b.width)
                conv(b.prefix + ".conv3", b.outChannels, b.width, 1); bn(b.prefix + ".bn3", b.outChannels)
            } else {
                conv(b.prefix + ".conv1", b.width, b.inChannels, 3); bn(b.prefix + ".bn1", b.width)
                conv(b.prefix + ".conv2", b.width, b.width, 3); bn(b.prefix + ".bn2", b.width)
            }
            if b.hasDownsample {
                conv(b.prefix + ".downsample.0", b.outChannels, b.inChannels, 1)
                bn(b.prefix + ".downsample.1", b.outChannels)
            }
        }
        out.append(("fc.weight", [numClasses, featureChannels]))
        out.append(("fc.bias", [numClasses]))
        return out
    }

    /// The trainable parameters in `model.parameters()` order: the order PyTorch's optimizer
    /// state dicts index (`state[i]`). Buffers (`running_*`, `num_batches_tracked`) excluded.
    public var parameterKeys: [String] {
        stateDictShapes.map(\.key).filter {
            !$0.hasSuffix(".running_mean") && !$0.hasSuffix(".running_var") && !$0.hasSuffix(".num_batches_tracked")
        }
    }
}
