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

    /// Recognises torchvision ResNets from state-dict keys: blocks per layer from
    /// `layer{1..4}.{i}.conv1.weight`, bottleneck if `conv3` exists (resnet18/34/50/101/152).
    public static func architecture(of keys: [String]) -> String? {
        var blocks = [0, 0, 0, 0]
        var bottleneck = false
        for key in keys {
            let parts = key.split(separator: ".")
            guard parts.count >= 3, parts[0].hasPrefix("layer"), let layer = Int(parts[0].dropFirst(5)),
                  (1...4).contains(layer), let block = Int(parts[1]) else { continue }
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

    /// Metadata for a state dict: architecture and num_classes inferred from the keys and
    /// `fc.weight`'s shape; ImageNet normalisation; threshold 0.5; `manifest` as given.
    public static func make(for stateDict: [NamedTensor], manifest: [String: Any] = [:]) -> [String: String] {
        var m: [String: String] = [format: formatValue, inputMean: imageNetMean, inputStd: imageNetStd, threshold: "0.5"]
        if let arch = architecture(of: stateDict.map(\.key)) { m[architecture] = arch }
        if let fc = stateDict.first(where: { $0.key == "fc.weight" })?.tensor, fc.shape.count == 2 {
            m[numClasses] = String(fc.shape[0])
        }
        if !manifest.isEmpty, let data = try? JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]) {
            m[self.manifest] = String(decoding: data, as: UTF8.self)
        }
        return m
    }
}
