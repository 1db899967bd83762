/// A detector network by name and head width: which `NetworkDescription` to build. Everything
/// about the network (layers, keys and shapes, parameter order, preprocessing) comes from
/// `description`.
public struct NetworkSpec: Equatable, Sendable {
    public enum Architecture: String, CaseIterable, Sendable {
        case resnet18, resnet34, resnet50, resnet101, resnet152
        /// NPR's truncated ResNet-50 on the neighbouring-pixel residual (`NetworkDescription.npr`).
        case npr
        /// EfficientNet-Lite0/1/2 (`NetworkDescription.efficientNetLite`).
        case efficientnet_lite0, efficientnet_lite1, efficientnet_lite2
    }

    public let architecture: Architecture
    /// Outputs of the head (1 for the detector: one logit).
    public let numClasses: Int
    /// The network, derived once from the two fields above.
    public let description: NetworkDescription

    public init(_ architecture: Architecture = .resnet50, numClasses: Int = 1) {
        self.architecture = architecture
        self.numClasses = numClasses
        switch Self.shape(architecture) {
        case .resNet(let kind, let layers):
            description = .resNet(name: architecture.rawValue, kind, layers: layers, numClasses: numClasses)
        case .npr: description = .npr(numClasses: numClasses)
        case .efficientNetLite(let v): description = .efficientNetLite(v, numClasses: numClasses)
        }
    }

    public static func == (a: NetworkSpec, b: NetworkSpec) -> Bool {
        a.architecture == b.architecture && a.numClasses == b.numClasses
    }

    /// Every state-dict entry (parameters and buffers) with its shape, in PyTorch's order.
    public var stateDictShapes: [(key: String, shape: [Int])] { description.stateDictShapes }
    /// The trainable parameters in `model.parameters()` order.
    public var parameterKeys: [String] { description.parameterKeys }
    /// State-dict key prefix of the head (`fc`, `fc1`, `_fc`).
    public var headKey: String { description.head.key }
    /// Channels entering the head (2048 for ResNet-50).
    public var featureChannels: Int { description.head.inFeatures }
}

/// The name the ResNet-only first version used; every architecture is a `NetworkSpec` now.
public typealias ResNetSpec = NetworkSpec

extension NetworkSpec {
    /// The builder parameters behind an architecture.
    public enum Shape: Equatable, Sendable {
        case resNet(NetworkDescription.ResNetBlock, layers: [Int])
        case npr
        case efficientNetLite(Int)
    }

    public static func shape(_ a: Architecture) -> Shape {
        switch a {
        case .resnet18: return .resNet(.basic, layers: [2, 2, 2, 2])
        case .resnet34: return .resNet(.basic, layers: [3, 4, 6, 3])
        case .resnet50: return .resNet(.bottleneck, layers: [3, 4, 6, 3])
        case .resnet101: return .resNet(.bottleneck, layers: [3, 4, 23, 3])
        case .resnet152: return .resNet(.bottleneck, layers: [3, 8, 36, 3])
        case .npr: return .npr
        case .efficientnet_lite0: return .efficientNetLite(0)
        case .efficientnet_lite1: return .efficientNetLite(1)
        case .efficientnet_lite2: return .efficientNetLite(2)
        }
    }
}
