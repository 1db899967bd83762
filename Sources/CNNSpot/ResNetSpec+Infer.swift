/// Errors loading weights into a network, each naming the key and the problem.
public struct ModelLoadError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var problems: [String]
    public var description: String {
        let shown = problems.prefix(12).joined(separator: "\n  ")
        let more = problems.count > 12 ? "\n  ... and \(problems.count - 12) more" : ""
        return "\(file): cannot load the model:\n  \(shown)\(more)"
    }
}

extension ResNetSpec {
    /// Recognises a torchvision ResNet from its state-dict shapes: the block counts per
    /// stage, BasicBlock vs Bottleneck (`conv3` present), and the number of outputs of `fc`.
    public init(inferringFrom shapes: [String: [Int]], file: String = "model") throws {
        var counts = [0, 0, 0, 0]
        for key in shapes.keys where key.hasPrefix("layer") {
            let parts = key.split(separator: ".")
            guard parts.count >= 2, let stage = Int(parts[0].dropFirst(5)), (1...4).contains(stage),
                  let index = Int(parts[1]) else { continue }
            counts[stage - 1] = max(counts[stage - 1], index + 1)
        }
        guard let fc = shapes["fc.weight"], fc.count == 2 else {
            throw ModelLoadError(file: file, problems: ["no `fc.weight` of shape [classes, features]: not a torchvision ResNet state dict (keys: \(shapes.keys.sorted().prefix(5).joined(separator: ", "))...)"])
        }
        let bottleneck = shapes["layer1.0.conv3.weight"] != nil
        let arch = Architecture.allCases.first { a in
            let s = ResNetSpec(a)
            return s.layers == counts && s.isBottleneck == bottleneck
        }
        guard let arch else {
            throw ModelLoadError(file: file, problems: ["blocks per stage \(counts) (\(bottleneck ? "bottleneck" : "basic") blocks) match no ResNet-18/34/50/101/152"])
        }
        self.init(arch, numClasses: fc[0])
    }

    /// Every missing, unexpected or mis-shaped key, by name (empty when the dict fits).
    public func mismatches(_ shapes: [String: [Int]]) -> [String] {
        var problems: [String] = []
        var expected: [String: [Int]] = [:]
        for (k, s) in stateDictShapes { expected[k] = s }
        for (k, s) in stateDictShapes {
            guard let got = shapes[k] else { problems.append("missing key `\(k)` (expected shape \(s))"); continue }
            // num_batches_tracked is a scalar; some writers store it as [1].
            if got != s && !(s.isEmpty && got.reduce(1, *) == 1) {
                problems.append("key `\(k)`: shape \(got), expected \(s)")
            }
        }
        for k in shapes.keys.sorted() where expected[k] == nil {
            problems.append("unexpected key `\(k)` (shape \(shapes[k]!))")
        }
        return problems
    }
}
