import Foundation

extension Trainer {
    /// The reference's `validate`: eval-mode network over the validation images with the
    /// validation transform (each image's draws seeded by its index, so the set is fixed);
    /// accuracy of `sigmoid > 0.5` and average precision.
    public func validate(_ data: TrainingData, pipeline: AugmentationPipeline) throws
        -> (accuracy: Double, averagePrecision: Double?, scores: [Double], labels: [Int])
    {
        try compute.bind { try validateBound(data, pipeline: pipeline) }
    }

    /// `validate` inside a bind already made (`run`'s).
    func validateBound(_ data: TrainingData, pipeline: AugmentationPipeline) throws
        -> (accuracy: Double, averagePrecision: Double?, scores: [Double], labels: [Int])
    {
        // A distributed run: each rank scores its part of every batch; the scores are summed into
        // their positions on every rank, so each computes the same metrics (and takes the same
        // early-stopping decision).
        let (rank, ranks) = (distributed?.rank ?? 0, distributed?.size ?? 1)
        let loader = TrainingBatchLoader(
            data: data, indices: Array(data.images.indices), batchSize: options.batchSize,
            pipeline: pipeline, seed: options.seed, streamTag: 0xFFFF_FFFF, workers: options.workers,
            parts: rank..<(rank + 1), of: ranks)
        var byPosition = [Double](repeating: 0, count: 2 * data.images.count)  // score, 1 if scored
        while let b = loader.next() {
            for s in b.skipped { report("warning: validation skipped \(s)") }
            guard !b.labels.isEmpty else { continue }
            let logits = try model.forward(b.x, mode: .eval)
            for (z, p) in zip(logits.data, b.positions) {
                byPosition[2 * p] = 1 / (1 + exp(-Double(z)))
                byPosition[2 * p + 1] = 1
            }
        }
        try distributed?.sum(&byPosition)
        var scores: [Double] = [], labels: [Int] = []
        for (p, image) in data.images.enumerated() where byPosition[2 * p + 1] > 0 {
            scores.append(byPosition[2 * p])
            labels.append(image.label)
        }
        guard !scores.isEmpty else { throw TrainingError.noData("validation: no image could be read") }
        let correct = zip(scores, labels).filter { ($0.0 > 0.5 ? 1 : 0) == $0.1 }.count
        let ap = try? Metrics.averagePrecision(scores: scores, labels: labels)
        return (Double(correct) / Double(scores.count), ap, scores, labels)
    }
}
