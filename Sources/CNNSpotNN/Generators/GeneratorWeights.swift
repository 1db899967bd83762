/// Reads a generator's weights out of a state dict by key, and at the end checks that every key
/// was used, so a file for another network fails with the key named instead of running wrong.
struct GeneratorWeights {
    private let dict: StateDict
    private let what: String
    private(set) var used = Set<String>()

    init(_ dict: StateDict, what: String) {
        self.dict = dict; self.what = what
    }

    mutating func tensor(_ key: String, _ shape: [Int]) throws -> HostTensor {
        guard let t = dict[key] else { throw NNError.badShape("\(what): missing key '\(key)' (expected shape \(shape))") }
        guard t.shape == shape else { throw NNError.badShape("\(what): '\(key)' has shape \(t.shape), expected \(shape)") }
        used.insert(key)
        return t
    }

    func finish() throws {
        let extra = Set(dict.keys).subtracting(used).sorted()
        if !extra.isEmpty {
            throw NNError.badShape("\(what): unexpected keys \(extra.prefix(5).joined(separator: ", "))\(extra.count > 5 ? ", ..." : "")")
        }
    }
}
