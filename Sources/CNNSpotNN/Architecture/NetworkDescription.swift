/// One detector network described as data: what is done to the input, the sequence of layers
/// (conv/BN/activation units, pooling, residual blocks), the global average pool and the
/// one-layer head. Everything else is derived from it, so that an architecture is written once:
/// the trainable model (`TrainableNetwork`), the folded oneDNN inference network
/// (`InferenceNetwork`), the state-dict keys and shapes in PyTorch's `state_dict()` order, and
/// the `model.parameters()` order PyTorch's optimizer state indexes (`NetworkDescription+StateDict`).
///
/// The builders (`resNet`, `npr`, `efficientNetLite`) follow the structure of the reference
/// code (torchvision `_make_layer`, NPR's truncated ResNet, EfficientNet-Lite's block list).
public struct NetworkDescription: Equatable, Sendable {
    /// Architecture name as recorded in metadata (`resnet50`, `npr`, `efficientnet_lite0`).
    public var name: String
    /// What the network computes from the normalised image before its first layer.
    public var inputTransform: InputTransform
    /// Per-channel `ToTensor()` + `Normalize(mean, std)` the network expects its input in.
    public var inputMean: [Double]
    public var inputStd: [Double]
    /// Layers in forward order; the first is a `.unit` (the stem convolution).
    public var layers: [Layer]
    /// Global average pool, (dropout in training,) then this Linear: `[N, C] -> [N, classes]`.
    public var head: LinearDescription
    /// Dropout probability before the head in the reference's training (0 for ResNet/NPR).
    public var headDropout: Double
    /// How a freshly built model's weights are drawn.
    public var initialisation: Initialisation

    public init(
        name: String, inputTransform: InputTransform, inputMean: [Double], inputStd: [Double],
        layers: [Layer], head: LinearDescription, headDropout: Double = 0, initialisation: Initialisation
    ) {
        self.name = name
        self.inputTransform = inputTransform
        self.inputMean = inputMean
        self.inputStd = inputStd
        self.layers = layers
        self.head = head
        self.headDropout = headDropout
        self.initialisation = initialisation
    }

    /// torchvision `Normalize` with the ImageNet statistics (CNNDetection, NPR).
    public static let imageNetMean = [0.485, 0.456, 0.406]
    public static let imageNetStd = [0.229, 0.224, 0.225]

    public enum InputTransform: Equatable, Sendable {
        /// The normalised image itself.
        case identity
        /// NPR (Tan et al. 2024): `scale * (x - up2(down2(x)))`, nearest neighbour both ways
        /// (`F.interpolate(scale_factor=0.5 / 2, mode='nearest')`), so each pixel minus the
        /// top-left pixel of its 2x2 cell. Odd heights/widths drop their last row/column first.
        case neighbouringPixelResidual(scale: Double)
    }

    public enum Activation: String, Equatable, Sendable {
        case relu, relu6
    }

    /// How a convolution pads.
    public enum Padding: Equatable, Sendable {
        /// `p` zeros on every side (PyTorch `padding=p`).
        case symmetric(Int)
        /// TensorFlow "SAME", from the input size: total `max((ceil(x/s) - 1) * s + k - x, 0)`,
        /// the smaller half before, the larger after (EfficientNet's `Conv2dDynamicSamePadding`).
        case tensorFlowSame
    }

    public struct ConvDescription: Equatable, Sendable {
        /// State-dict key prefix (`layer1.0.conv2`, `_blocks.3._depthwise_conv`).
        public var key: String
        public var inChannels: Int
        public var outChannels: Int
        public var kernel: Int
        public var stride: Int
        public var padding: Padding
        /// `groups == inChannels == outChannels` is a depthwise convolution.
        public var groups: Int
        public var bias: Bool

        public init(
            key: String, _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1,
            padding: Padding = .symmetric(0), groups: Int = 1, bias: Bool = false
        ) {
            self.key = key
            self.inChannels = inChannels
            self.outChannels = outChannels
            self.kernel = kernel
            self.stride = stride
            self.padding = padding
            self.groups = groups
            self.bias = bias
        }

        /// Weight shape `[out, in / groups, k, k]`, as PyTorch stores it.
        public var weightShape: [Int] { [outChannels, inChannels / groups, kernel, kernel] }

        /// Zeros before and after along an axis of size `x`.
        public func pads(_ x: Int) -> (before: Int, after: Int) {
            switch padding {
            case .symmetric(let p): return (p, p)
            case .tensorFlowSame:
                let out = (x + stride - 1) / stride
                let total = max((out - 1) * stride + kernel - x, 0)
                return (total / 2, total - total / 2)
            }
        }

        /// Output size along an axis of size `x` (PyTorch's floor rule over the padded size).
        public func outputSize(_ x: Int) -> Int {
            let (a, b) = pads(x)
            return (x + a + b - kernel) / stride + 1
        }
    }

    public struct BatchNormDescription: Equatable, Sendable {
        public var key: String
        public var channels: Int
        public var eps: Double
        /// PyTorch's momentum (weight of the new batch statistic).
        public var momentum: Double

        public init(key: String, channels: Int, eps: Double = 1e-5, momentum: Double = 0.1) {
            self.key = key
            self.channels = channels
            self.eps = eps
            self.momentum = momentum
        }
    }

    /// Convolution, BatchNorm, optional activation: the only way these networks use a conv.
    public struct Unit: Equatable, Sendable {
        public var conv: ConvDescription
        public var batchNorm: BatchNormDescription
        public var activation: Activation?

        public init(_ conv: ConvDescription, _ batchNorm: BatchNormDescription, _ activation: Activation?) {
            self.conv = conv
            self.batchNorm = batchNorm
            self.activation = activation
        }
    }

    /// `activation(main(x) + shortcut(x))`; an empty `shortcut` is the identity.
    public struct Residual: Equatable, Sendable {
        /// Key prefix of the block (`layer2.0`, `_blocks.4`), for messages.
        public var key: String
        public var main: [Unit]
        public var shortcut: [Unit]
        public var activation: Activation?

        public init(key: String, main: [Unit], shortcut: [Unit], activation: Activation?) {
            self.key = key
            self.main = main
            self.shortcut = shortcut
            self.activation = activation
        }
    }

    public enum Layer: Equatable, Sendable {
        case unit(Unit)
        /// `MaxPool2d(k, s, p)` (padding counts as -inf, as in PyTorch).
        case maxPool(kernel: Int, stride: Int, padding: Int)
        case residual(Residual)
    }

    public struct LinearDescription: Equatable, Sendable {
        public var key: String
        public var inFeatures: Int
        public var outFeatures: Int

        public init(key: String, _ inFeatures: Int, _ outFeatures: Int) {
            self.key = key
            self.inFeatures = inFeatures
            self.outFeatures = outFeatures
        }
    }

    public enum Initialisation: Equatable, Sendable {
        /// torchvision ResNet: convs `kaiming_normal_(mode='fan_out', nonlinearity='relu')`,
        /// BN weight 1 bias 0, Linear PyTorch's default.
        case kaimingNormalFanOut
        /// PyTorch's module defaults throughout (`kaiming_uniform_(a=sqrt(5))`: U(-1/sqrt(fan_in),
        /// 1/sqrt(fan_in)) for conv and Linear weights and biases), BN weight 1 bias 0: what the
        /// EfficientNet-Lite reference's modules start with (it defines no initialisation).
        case pytorchDefault
    }
}
