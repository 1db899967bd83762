/// NPR (Tan et al., CVPR 2024, "Rethinking the Up-Sampling Operations in CNN-based Generative
/// Network for Generalizable Deepfake Detection"; public code `NPR-DeepfakeDetection`,
/// `networks/resnet.py`), described from its published structure:
///
/// - input: the ImageNet-normalised image `x`; `NPR = x - up2(down2(x))` (nearest both ways),
///   scaled by 2/3 before the stem (`conv1(NPR * 2.0 / 3.0)`);
/// - stem `conv1 = Conv2d(3, 64, 3, stride 2, padding 1, bias=False)`, `bn1`, ReLU,
///   `MaxPool2d(3, 2, 1)`;
/// - Bottleneck `layer1` (3 blocks, 64 planes, stride 1) and `layer2` (4 blocks, 128 planes,
///   stride 2) only: its `resnet50` builds no `layer3`/`layer4`;
/// - `AdaptiveAvgPool2d(1)`, `fc1 = Linear(512, 1)` (key `fc1`).
///
/// Its code fails on odd sizes (the two interpolations give back an even size); here odd
/// heights and widths drop their last row/column first, as the commented-out lines of its
/// forward do.
extension NetworkDescription {
    public static func npr(numClasses: Int = 1) -> NetworkDescription {
        var layers = resNetStem(kernel: 3)
        var channels = 64
        for (stage, count) in [3, 4].enumerated() {
            let made = makeLayer(
                .bottleneck, index: stage + 1, inplanes: channels, planes: 64 << stage, blocks: count,
                stride: stage == 0 ? 1 : 2)
            layers += made.layers
            channels = made.outChannels
        }
        return NetworkDescription(
            name: "npr", inputTransform: .neighbouringPixelResidual(scale: 2.0 / 3.0),
            inputMean: imageNetMean, inputStd: imageNetStd,
            layers: layers, head: LinearDescription(key: "fc1", channels, numClasses),
            initialisation: .kaimingNormalFanOut)
    }
}
