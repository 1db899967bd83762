import Foundation

extension Trainer {
    /// What one batch did: the batch's mean loss (nil when no image of it could be read, and no
    /// step was taken), its images, and the images skipped, all over every rank.
    struct StepResult { var loss: Float?; var images: Int; var skipped: Int }

    /// One optimiser step on a batch given as parts (this rank's micro-batches). One part in a
    /// single process: `step(_:labels:)` as always (inside `run`'s bind). Otherwise each part runs forward and
    /// backward on its own (BatchNorm statistics per part), the gradients are summed weighted
    /// by each part's image count, summed over the ranks (`MPI_Allreduce`, with the counts and
    /// the loss in the same buffer), divided by the batch's image count, and every rank takes
    /// the same Adam step: the mean-loss gradient of the whole batch, as one process computes it.
    func step(parts: [TrainingBatch]) throws -> StepResult {
        let skippedHere = parts.reduce(0) { $0 + $1.skipped.count }
        let ranks = distributed?.size ?? 1
        if parts.count == 1 && ranks == 1 {
            let b = parts[0]
            guard !b.labels.isEmpty else { return StepResult(loss: nil, images: 0, skipped: skippedHere) }
            return StepResult(loss: try stepBound(b.x, labels: b.labels), images: b.labels.count, skipped: skippedHere)
        }
        let params = model.namedParameters.map(\.parameter)
        let total = params.reduce(0) { $0 + $1.value.count }
        // Synchronised BatchNorm: every rank must run the same forward and backward (each
        // BatchNorm layer sums over the ranks), so the batch's count comes first; a batch where a
        // rank has no image is skipped by all (its part could not be read).
        var globalCount: Float?
        if let d = distributed, d.size > 1, options.syncBatchNorm == true {
            let here = parts.reduce(0) { $0 + $1.labels.count }
            var counts: [Double] = [Double(here), here == 0 ? 1 : 0, Double(skippedHere)]
            try d.sum(&counts)
            if counts[1] > 0 {
                report(
                    "warning: batch \(state.batchInEpoch) skipped: \(Int(counts[1])) rank(s) could not read any image of their part (--sync-bn needs every rank)"
                )
                return StepResult(loss: nil, images: 0, skipped: Int(counts[2]))
            }
            globalCount = Float(counts[0])
        }
        // [gradients..., images, loss * images, skipped]
        var buffer = [Float](repeating: 0, count: total + 3)
        // One part per step moves BatchNorm's running statistics, the first: with micro-batches
        // as with ranks (rank 0's first part is the one saved), so both validate the same model.
        defer { if parts.count > 1 { model.updateRunningStatistics(true) } }
        for (index, b) in parts.enumerated() where !b.labels.isEmpty {
            if parts.count > 1 { model.updateRunningStatistics(index == 0) }
            let count = Float(b.labels.count)
            // With a global count, each rank backpropagates its share of the global mean loss
            // (BatchNorm's dx mixes the ranks' gradients: they must be on one scale).
            let (loss, _) = try model.trainingStep(b.x, labels: b.labels, lossScale: globalCount.map { count / $0 } ?? 1)
            let n = globalCount ?? count
            buffer.withUnsafeMutableBufferPointer { acc in
                var at = 0
                for p in params {
                    p.grad.withUnsafeBufferPointer { g in
                        for i in 0..<g.count { acc[at + i] += n * g[i] }
                    }
                    at += p.value.count
                }
            }
            buffer[total] += count
            buffer[total + 1] += loss * count
        }
        buffer[total + 2] = Float(skippedHere)
        if let d = distributed, d.size > 1 {
            // The barrier separates waiting for the slowest rank from the all-reduce itself.
            let started = Date()
            try d.barrier()
            let reached = Date()
            try d.sum(&buffer)
            waitSeconds += reached.timeIntervalSince(started)
            allreduceSeconds += Date().timeIntervalSince(reached)
        }
        let n = buffer[total], skipped = Int(buffer[total + 2])
        guard n > 0 else { return StepResult(loss: nil, images: 0, skipped: skipped) }
        buffer.withUnsafeBufferPointer { acc in
            var at = 0
            for p in params {
                p.grad.withUnsafeMutableBufferPointer { g in
                    for i in 0..<g.count { g[i] = acc[at + i] / n }
                }
                at += p.value.count
            }
        }
        optimizer.lr = state.lr
        try optimizer.step()
        state.step += 1
        return StepResult(loss: buffer[total + 1] / n, images: Int(n), skipped: skipped)
    }

    /// Every rank must start from the same place: the same training and validation file lists
    /// (relative to their roots), training options and position. A node with another copy of
    /// the data or a stale checkpoint would train something else, or wait in a collective the
    /// others never reach: an error on every rank instead.
    func checkRanksAgree(train: TrainingData, val: TrainingData, on job: Distributed) throws {
        var o = options  // what may differ per node: paths and run controls
        o.dataroot = ""; o.checkpointsDir = ""; o.threads = nil; o.workers = 1; o.saveLatestFreq = 1; o.lossFreq = 1
        var text = String(decoding: try JSONText.encoder().encode(o), as: UTF8.self)
        text += "\n\(state.step) \(state.epoch) \(state.batchInEpoch) \(state.lr) \(state.finished)\n"
        for (data, name) in [(train, "train"), (val, "val")] {
            text += name + "\n"
            for image in data.images {
                let rel = image.path.hasPrefix(data.root) ? String(image.path.dropFirst(data.root.count)) : image.path
                text += "\(rel)\t\(image.label)\n"
            }
        }
        let digest = SHA256.hex(Array(text.utf8))
        // 48 bits of the digest per Double (exact), 4 of them.
        let mine: [Double] = (0..<4).map { i in
            Double(UInt64(String(Array(digest)[(12 * i)..<(12 * i + 12)]), radix: 16) ?? 0)
        }
        var root = mine
        try job.broadcast(&root)
        var differs: [Double] = [root == mine ? 0 : 1]
        try job.sum(&differs)
        if differs[0] > 0 {
            throw TrainingError.badOption(
                "\(Int(differs[0])) of \(job.size) rank(s) do not start as rank 0 does (other training or validation files, "
                    + "other training options, or another --resume position: every rank must see the same data and run folder)"
                    + (root == mine ? "" : "; this is one of them (rank \(job.rank))"))
        }
    }

    /// Rank 0's parameters and buffers (BatchNorm running statistics, counts) on every rank.
    static func broadcastState(_ model: TrainableResNet, from job: Distributed) throws {
        let state = model.stateDict()
        let keys = state.keys.sorted()
        var flat: [Float] = []
        flat.reserveCapacity(keys.reduce(0) { $0 + state[$1]!.count })
        for k in keys { flat += state[k]!.data }
        try job.broadcast(&flat)
        guard !job.isRoot else { return }
        var out: StateDict = [:]
        var at = 0
        for k in keys {
            let t = state[k]!
            out[k] = HostTensor(shape: t.shape, data: Array(flat[at..<(at + t.count)]))
            at += t.count
        }
        try model.loadStateDict(out, strict: true)
    }
}
