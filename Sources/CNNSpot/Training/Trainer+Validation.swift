import Foundation

extension Trainer {
    /// The reference's `validate`: eval-mode network over the validation images with the
    /// validation transform (each image's draws seeded by its index, so the set is fixed);
    /// accuracy of `sigmoid > 0.5` and average precision.
    public func validate(_ data: TrainingData, pipeline: AugmentationPipeline) throws
        -> (accuracy: Double, averagePrecision: Double?, scores: [Double], labels: [Int]) {
        let loader = TrainingBatchLoader(data: data, indices: Array(data.images.indices), batchSize: options.batchSize,
                                         pipeline: pipeline, seed: options.seed, streamTag: 0xFFFF_FFFF, workers: options.workers)
        var scores: [Double] = [], labels: [Int] = []
        while let b = loader.next() {
            for s in b.skipped { report("warning: validation skipped \(s)") }
            guard !b.labels.isEmpty else { continue }
            let logits = try model.forward(b.x, mode: .eval)
            for (z, y) in zip(logits.data, b.labels) {
                scores.append(1 / (1 + exp(-Double(z))))
                labels.append(Int(y))
            }
        }
        guard !scores.isEmpty else { throw TrainingError.noData("validation: no image could be read") }
        let correct = zip(scores, labels).filter { ($0.0 > 0.5 ? 1 : 0) == $0.1 }.count
        let ap = try? Metrics.averagePrecision(scores: scores, labels: labels)
        return (Double(correct) / Double(scores.count), ap, scores, labels)
    }
}
