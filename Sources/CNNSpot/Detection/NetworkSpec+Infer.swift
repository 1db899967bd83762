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

extension NetworkSpec {
    /// The head key and family name of each architecture, for recognising state dicts.
    private static func family(_ a: Architecture) -> (head: String, name: String) {
        let d = NetworkSpec(a).description
        switch a {
        case .npr: return (d.head.key, "NPR")
        case .efficientnet_lite0, .efficientnet_lite1, .efficientnet_lite2: return (d.head.key, "EfficientNet-Lite")
        default: return (d.head.key, "torchvision ResNet")
        }
    }

    /// Recognises the architecture from state-dict shapes: the head key (`fc` ResNet, `fc1` NPR,
    /// `_fc` EfficientNet-Lite) gives the family and the number of outputs; within the family,
    /// the architecture whose every key and shape is present (extra keys allowed). `named`
    /// (the file's metadata `architecture`) is used when it is a known name.
    public init(inferringFrom shapes: [String: [Int]], named: String? = nil, file: String = "model") throws {
        let heads = Set(Architecture.allCases.map { Self.family($0).head })
        let found = heads.sorted().filter { shapes[$0 + ".weight"]?.count == 2 }
        guard let headKey = found.first else {
            throw ModelLoadError(
                file: file,
                problems: [
                    "no head weight `fc.weight` (ResNet), `fc1.weight` (NPR) or `_fc.weight` (EfficientNet-Lite) of shape [classes, features]: "
                        + "not a state dict of a known architecture (keys: \(shapes.keys.sorted().prefix(5).joined(separator: ", "))...)"
                ])
        }
        let classes = shapes[headKey + ".weight"]![0]
        if let named, let a = Architecture(rawValue: named) {
            self.init(a, numClasses: classes)
            return
        }
        if headKey == "fc" {
            // torchvision ResNets: blocks per stage and BasicBlock vs Bottleneck (`conv3`).
            var counts = [0, 0, 0, 0]
            for key in shapes.keys where key.hasPrefix("layer") {
                let parts = key.split(separator: ".")
                guard parts.count >= 2, let stage = Int(parts[0].dropFirst(5)), (1...4).contains(stage),
                    let index = Int(parts[1])
                else { continue }
                counts[stage - 1] = max(counts[stage - 1], index + 1)
            }
            let bottleneck = shapes["layer1.0.conv3.weight"] != nil
            let arch = Architecture.allCases.first { a in
                guard case .resNet(let kind, let layers) = Self.shape(a) else { return false }
                return layers == counts && (kind == .bottleneck) == bottleneck
            }
            guard let arch else {
                throw ModelLoadError(
                    file: file, problems: ["blocks per stage \(counts) (\(bottleneck ? "bottleneck" : "basic") blocks) match no ResNet-18/34/50/101/152"])
            }
            self.init(arch, numClasses: classes)
            return
        }
        // Others: the architecture of the family whose keys and shapes are all there (the
        // mismatches of the closest one are reported by the caller otherwise).
        let candidates = Architecture.allCases.filter { Self.family($0).head == headKey }
        let scored = candidates.map { a -> (Architecture, Int) in
            let problems = NetworkSpec(a, numClasses: classes).description.mismatches(shapes).filter { !$0.hasPrefix("unexpected key") }
            return (a, problems.count)
        }
        let best = scored.first(where: { $0.1 == 0 }) ?? scored.min { $0.1 < $1.1 }!
        self.init(best.0, numClasses: classes)
    }

    /// Every missing, unexpected or mis-shaped key, by name (empty when the dict fits).
    public func mismatches(_ shapes: [String: [Int]]) -> [String] { description.mismatches(shapes) }
}
