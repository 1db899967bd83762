import Foundation

/// The `__metadata__` keys of our native safetensors files, and their values for the paper's
/// model (torchvision ResNet-50, one logit, ImageNet normalisation, threshold 0.5).
public enum CNNSpotMetadata {
    public static let format = "format"
    public static let architecture = "architecture"
    public static let numClasses = "num_classes"
    public static let inputMean = "input_mean"
    public static let inputStd = "input_std"
    public static let threshold = "threshold"
    public static let manifest = "manifest"

    /// The value of `format` in our files.
    public static let formatValue = "cnnspot"
    /// ImageNet mean/std as JSON arrays (torchvision `Normalize`, used by CNNDetection).
    public static let imageNetMean = "[0.485,0.456,0.406]"
    public static let imageNetStd = "[0.229,0.224,0.225]"
    /// EfficientNet-Lite's `(x * 255 - 127) / 128` as mean 127/255 and std 128/255 on `ToTensor()`.
    public static let liteMean = "[\(127.0 / 255),\(127.0 / 255),\(127.0 / 255)]"
    public static let liteStd = "[\(128.0 / 255),\(128.0 / 255),\(128.0 / 255)]"

    /// The architecture of a state dict, from its keys (and, for EfficientNet-Lite, shapes):
    /// NPR (`fc1`, two ResNet stages), EfficientNet-Lite0/1/2 (`_conv_stem`; block count and
    /// the width entering `_conv_head`), else the torchvision ResNets of `architecture(of:)`.
    public static func architecture(of stateDict: [NamedTensor]) -> String? {
        let keys = stateDict.map(\.key)
        if keys.contains("_conv_stem.weight") {
            var blocks = 0
            for key in keys where key.hasPrefix("_blocks.") {
                if let i = Int(key.split(separator: ".")[1]) { blocks = max(blocks, i + 1) }
            }
            let headIn = stateDict.first { $0.key == "_conv_head.weight" }?.tensor.shape.dropFirst().first
            switch (blocks, headIn) {
            case (16, 320?): return "efficientnet_lite0"
            case (21, 320?): return "efficientnet_lite1"
            case (21, 352?): return "efficientnet_lite2"
            default: return nil
            }
        }
        if keys.contains("fc1.weight") {
            let set = Set(keys)
            let stages = ["layer1.2.conv3.weight", "layer2.3.conv3.weight"].allSatisfy(set.contains)
            let more = set.contains("layer1.3.conv1.weight") || set.contains("layer2.4.conv1.weight") || keys.contains { $0.hasPrefix("layer3.") }
            return stages && !more ? "npr" : nil
        }
        return architecture(of: keys)
    }

    /// Recognises torchvision ResNets from state-dict keys: blocks per layer from
    /// `layer{1..4}.{i}.conv1.weight`, bottleneck if `conv3` exists (resnet18/34/50/101/152).
    public static func architecture(of keys: [String]) -> String? {
        var blocks = [0, 0, 0, 0]
        var bottleneck = false
        for key in keys {
            let parts = key.split(separator: ".")
            guard parts.count >= 3, parts[0].hasPrefix("layer"), let layer = Int(parts[0].dropFirst(5)),
                (1...4).contains(layer), let block = Int(parts[1])
            else { continue }
            blocks[layer - 1] = max(blocks[layer - 1], block + 1)
            if parts[2] == "conv3" { bottleneck = true }
        }
        switch (blocks, bottleneck) {
        case ([2, 2, 2, 2], false): return "resnet18"
        case ([3, 4, 6, 3], false): return "resnet34"
        case ([3, 4, 6, 3], true): return "resnet50"
        case ([3, 4, 23, 3], true): return "resnet101"
        case ([3, 8, 36, 3], true): return "resnet152"
        default: return nil
        }
    }

    /// Metadata for a state dict: architecture and num_classes inferred from the keys and the
    /// head weight's shape (`fc`, `fc1`, `_fc`); the architecture's normalisation (ImageNet, or
    /// EfficientNet-Lite's); threshold 0.5; `manifest` as given.
    public static func make(for stateDict: [NamedTensor], manifest: [String: Any] = [:]) -> [String: String] {
        var m: [String: String] = [format: formatValue, inputMean: imageNetMean, inputStd: imageNetStd, threshold: "0.5"]
        let arch = architecture(of: stateDict)
        if let arch { m[architecture] = arch }
        if arch?.hasPrefix("efficientnet_lite") == true { m[inputMean] = liteMean; m[inputStd] = liteStd }
        for head in ["fc.weight", "fc1.weight", "_fc.weight"] {
            if let fc = stateDict.first(where: { $0.key == head })?.tensor, fc.shape.count == 2 {
                m[numClasses] = String(fc.shape[0])
                break
            }
        }
        if !manifest.isEmpty, let data = try? JSONText.data(manifest) {
            m[self.manifest] = String(decoding: data, as: UTF8.self)
        }
        return m
    }
}
