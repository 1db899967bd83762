extension DNNLMemory {
    /// This memory in layout `desc` (same dims): `self` if the layout already matches, else a
    /// new buffer filled by a oneDNN reorder. Reorder primitives are found again in oneDNN's
    /// primitive cache, so creating one per call costs a lookup.
    func reordered(to desc: DNNLMemoryDesc, stream: DNNLStream = .current) throws -> DNNLMemory {
        if desc.isEqual(to: self.desc) { return self }
        let out = try DNNLMemory(desc, zeroed: false)  // the reorder writes every element
        try reorder(into: out, stream: stream)
        return out
    }

    /// Copies (with layout conversion) into `destination`, which has the same dims.
    func reorder(into destination: DNNLMemory, stream: DNNLStream = .current) throws {
        let pd = try DNNLPrimitiveDesc(reorderFrom: desc, to: destination.desc)
        try DNNLPrimitive(pd).execute(stream, args: [DNNLArg.from: self, DNNLArg.to: destination], what: "reorder \(desc.dims)")
    }
}

extension DNNLMemory {
    /// A buffer with layout `desc` for a primitive to write into: `self` if the layout matches,
    /// else a new uninitialised buffer (the primitive writes it all), whose result the caller
    /// reorders back.
    func outputBuffer(for desc: DNNLMemoryDesc) throws -> DNNLMemory {
        desc.isEqual(to: self.desc) ? self : try DNNLMemory(desc, zeroed: false)
    }
}
