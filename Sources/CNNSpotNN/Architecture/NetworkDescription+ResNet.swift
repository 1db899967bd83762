/// torchvision's ResNets ("v1.5": the stride sits on the 3x3 conv of a bottleneck), built the
/// way torchvision's `ResNet._make_layer` builds them; NPR's truncated ResNet reuses it.
extension NetworkDescription {
    /// Residual block types of torchvision `resnet.py`.
    public enum ResNetBlock: Equatable, Sendable {
        /// 3x3 (stride), 3x3; expansion 1.
        case basic
        /// 1x1, 3x3 (stride), 1x1 with expansion 4.
        case bottleneck

        public var expansion: Int { self == .basic ? 1 : 4 }
    }

    /// One block of `_make_layer`: `planes` wide, `inplanes -> planes * expansion`, with
    /// `downsample` (1x1 conv with the stride + BN) when the stride or the width changes.
    static func resNetBlock(_ kind: ResNetBlock, prefix p: String, inplanes: Int, planes: Int, stride: Int) -> Residual {
        func unit(_ name: String, _ bn: String, _ i: Int, _ o: Int, _ k: Int, _ s: Int, _ act: Activation?) -> Unit {
            Unit(
                ConvDescription(key: p + "." + name, i, o, kernel: k, stride: s, padding: .symmetric(k / 2)),
                BatchNormDescription(key: p + "." + bn, channels: o), act)
        }
        let out = planes * kind.expansion
        let main: [Unit]
        switch kind {
        case .basic:
            main = [
                unit("conv1", "bn1", inplanes, planes, 3, stride, .relu),
                unit("conv2", "bn2", planes, planes, 3, 1, nil)
            ]
        case .bottleneck:
            main = [
                unit("conv1", "bn1", inplanes, planes, 1, 1, .relu),
                unit("conv2", "bn2", planes, planes, 3, stride, .relu),
                unit("conv3", "bn3", planes, out, 1, 1, nil)
            ]
        }
        let shortcut =
            stride != 1 || inplanes != out
            ? [unit("downsample.0", "downsample.1", inplanes, out, 1, stride, nil)] : []
        return Residual(key: p, main: main, shortcut: shortcut, activation: .relu)
    }

    /// `_make_layer(block, planes, blocks, stride)` for stage `layer<index>`, starting from
    /// `inplanes` channels; returns the blocks and the channels they leave.
    static func makeLayer(_ kind: ResNetBlock, index: Int, inplanes: Int, planes: Int, blocks: Int, stride: Int)
        -> (layers: [Layer], outChannels: Int)
    {
        var layers: [Layer] = []
        var channels = inplanes
        for i in 0..<blocks {
            layers.append(
                .residual(
                    resNetBlock(
                        kind, prefix: "layer\(index).\(i)", inplanes: channels, planes: planes,
                        stride: i == 0 ? stride : 1)))
            channels = planes * kind.expansion
        }
        return (layers, channels)
    }

    /// The torchvision stem: `conv1` (`kernel` x `kernel`, stride 2, padding `kernel / 2`),
    /// `bn1`, ReLU, `MaxPool2d(3, 2, 1)`.
    static func resNetStem(kernel: Int) -> [Layer] {
        [
            .unit(
                Unit(
                    ConvDescription(key: "conv1", 3, 64, kernel: kernel, stride: 2, padding: .symmetric(kernel / 2)),
                    BatchNormDescription(key: "bn1", channels: 64), .relu)),
            .maxPool(kernel: 3, stride: 2, padding: 1)
        ]
    }

    /// torchvision `resnet18/34/50/101/152`: stem, `layer1..4` (64, 128, 256, 512 planes,
    /// strides 1, 2, 2, 2), global average pool, `fc`.
    public static func resNet(name: String, _ kind: ResNetBlock, layers counts: [Int], numClasses: Int) -> NetworkDescription {
        var layers = resNetStem(kernel: 7)
        var channels = 64
        for (stage, count) in counts.enumerated() {
            let made = makeLayer(
                kind, index: stage + 1, inplanes: channels, planes: 64 << stage, blocks: count,
                stride: stage == 0 ? 1 : 2)
            layers += made.layers
            channels = made.outChannels
        }
        return NetworkDescription(
            name: name, inputTransform: .identity, inputMean: imageNetMean, inputStd: imageNetStd,
            layers: layers, head: LinearDescription(key: "fc", channels, numClasses),
            initialisation: .kaimingNormalFanOut)
    }
}
