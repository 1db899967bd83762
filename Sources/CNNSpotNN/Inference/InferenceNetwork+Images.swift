extension InferenceNetwork {
    /// Logits for images of mixed sizes, each `[3, H, W]` (normalised, row-major): images of the
    /// same size are packed into batches of up to `maxBatch` and run together (the reference
    /// implementation needs batch size 1 for mixed sizes). Results come back in input order, one
    /// per image: its `classes` logits, or the error for that image alone (a bad shape fails only
    /// its own image; a failed batch fails only the images in it).
    public func logits(images: [HostTensor], maxBatch: Int = 16) -> [Result<[Float], Error>] {
        var results = [Result<[Float], Error>?](repeating: nil, count: images.count)
        var groups: [[Int]: [Int]] = [:]  // [H, W] -> image indices, in input order
        var order: [[Int]] = []
        for (i, image) in images.enumerated() {
            let s = image.shape
            guard s.count == 3, s[0] == 3 else {
                results[i] = .failure(InferenceError.badInputShape(shape: s, reason: "image \(i): expected [3, H, W]"))
                continue
            }
            guard s[1] >= Self.minimumSize, s[2] >= Self.minimumSize else {
                results[i] = .failure(InferenceError.inputTooSmall(height: s[1], width: s[2], minimum: Self.minimumSize))
                continue
            }
            if groups[[s[1], s[2]]] == nil { order.append([s[1], s[2]]) }
            groups[[s[1], s[2]], default: []].append(i)
        }
        let classes = head.outFeatures
        let step = max(1, maxBatch)
        for size in order {
            let members = groups[size]!
            for start in stride(from: 0, to: members.count, by: step) {
                let chunk = Array(members[start..<min(start + step, members.count)])
                var data: [Float] = []
                data.reserveCapacity(chunk.count * 3 * size[0] * size[1])
                for i in chunk { data += images[i].data }
                do {
                    let out = try logits(HostTensor(shape: [chunk.count, 3, size[0], size[1]], data: data))
                    for (k, i) in chunk.enumerated() { results[i] = .success(Array(out[k * classes..<(k + 1) * classes])) }
                } catch {
                    for i in chunk { results[i] = .failure(error) }
                }
            }
        }
        return results.map { $0! }
    }
}
