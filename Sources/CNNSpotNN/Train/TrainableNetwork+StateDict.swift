extension TrainableNetwork {
    /// What `loadStateDict` found besides the keys it loaded.
    public struct LoadReport: Equatable, Sendable {
        /// Expected keys absent from the input (`num_batches_tracked` excepted: old checkpoints
        /// lack it and PyTorch then starts it at 0, as here).
        public var missingKeys: [String]
        /// Input keys the model does not have.
        public var unexpectedKeys: [String]
    }

    /// Every parameter and buffer by state-dict key (`num_batches_tracked` as shape `[]`).
    public func stateDict() -> StateDict {
        var out: StateDict = [:]
        for (key, p) in namedParameters { out[key] = p.value.host }
        for (prefix, bn) in namedBatchNorms {
            out[prefix + ".running_mean"] = bn.runningMean.host
            out[prefix + ".running_var"] = bn.runningVar.host
            out[prefix + ".num_batches_tracked"] = HostTensor(shape: [], data: [Float(bn.numBatchesTracked)])
        }
        return out
    }

    /// Loads parameters and buffers by key, like `nn.Module.load_state_dict`. A key whose
    /// shape differs is always an error (naming key and both shapes); with `strict`, missing or
    /// unexpected keys are errors too (all named). Nothing is changed when it throws.
    @discardableResult
    public func loadStateDict(_ state: StateDict, strict: Bool = true) throws -> LoadReport {
        let expected = spec.stateDictShapes
        let expectedKeys = Set(expected.map(\.key))
        var missing: [String] = [], mismatched: [String] = []
        for (key, shape) in expected {
            guard let t = state[key] else {
                if !key.hasSuffix(".num_batches_tracked") { missing.append(key) }
                continue
            }
            let ok = shape.isEmpty ? t.count == 1 && t.shape.count <= 1 : t.shape == shape
            if !ok { mismatched.append("\(key): checkpoint \(t.shape), model \(shape)") }
            if ok && shape.isEmpty, !(t.data[0].isFinite && t.data[0] >= 0) {
                mismatched.append("\(key): not a count (\(t.data[0]))")
            }
        }
        let unexpected = state.keys.filter { !expectedKeys.contains($0) }.sorted()
        if !mismatched.isEmpty || (strict && (!missing.isEmpty || !unexpected.isEmpty)) {
            var parts: [String] = []
            if !mismatched.isEmpty { parts.append("size mismatch or bad value: " + mismatched.joined(separator: "; ")) }
            if strict && !missing.isEmpty { parts.append("missing keys: " + missing.joined(separator: ", ")) }
            if strict && !unexpected.isEmpty { parts.append("unexpected keys: " + unexpected.joined(separator: ", ")) }
            throw NNError.badState("loading \(spec.architecture.rawValue) state dict: " + parts.joined(separator: " | "))
        }
        for (key, p) in namedParameters { if let t = state[key] { try p.value.copy(from: t, name: key) } }
        for (prefix, bn) in namedBatchNorms {
            if let t = state[prefix + ".running_mean"] { try bn.runningMean.copy(from: t, name: prefix + ".running_mean") }
            if let t = state[prefix + ".running_var"] { try bn.runningVar.copy(from: t, name: prefix + ".running_var") }
            if let t = state[prefix + ".num_batches_tracked"] {
                bn.numBatchesTracked = Int(t.data[0])
            }
        }
        return LoadReport(missingKeys: missing, unexpectedKeys: unexpected)
    }
}
