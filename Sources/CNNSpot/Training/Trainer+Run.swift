import Foundation

extension Trainer {
    /// Trains until early stopping ends the run, or `maxEpochs` / `maxSteps` is reached.
    /// Reads `<dataroot>/train` and `<dataroot>/val`; writes into `options.runDirectory`.
    public func run() throws -> Summary {
        let train = try TrainingData.discover((options.dataroot as NSString).appendingPathComponent("train"), classes: options.classes)
        let val = try TrainingData.discover((options.dataroot as NSString).appendingPathComponent("val"), classes: options.classes)
            .subset(limit: options.valMax, seed: options.seed)
        for w in train.warnings + val.warnings { report("warning: \(w)") }
        report("train: \(train.images.count) images (\(train.realCount) real, \(train.fakeCount) fake); "
            + "val: \(val.images.count) images (\(val.realCount) real, \(val.fakeCount) fake)")
        do {
            try FileManager.default.createDirectory(atPath: options.runDirectory, withIntermediateDirectories: true)
        } catch { throw TrainingError.io(path: options.runDirectory, problem: "cannot create the run folder: \(error)") }
        try writeManifest(train: train, val: val)
        let log = TrainingLog(directory: options.runDirectory)
        try log.start(keepBefore: state.epoch)

        let trainPipeline = try AugmentationPipeline(options: options.augmentation())
        let valPipeline = try AugmentationPipeline(options: options.augmentation().validation())
        var stoppedBy = state.finished ? "already finished" : ""
        while stoppedBy.isEmpty {
            if let m = options.maxEpochs, state.epoch >= m { stoppedBy = "max epochs"; break }
            if let m = options.maxSteps, state.step >= m { stoppedBy = "max steps"; break }
            let order = train.order(epoch: state.epoch, seed: options.seed, classBalance: options.classBalance)
            let loader = TrainingBatchLoader(data: train, indices: order, batchSize: options.batchSize, pipeline: trainPipeline,
                                             seed: options.seed, streamTag: UInt64(state.epoch), startBatch: state.batchInEpoch,
                                             workers: options.workers)
            let progress = ProgressBar(total: loader.batchCount - state.batchInEpoch, label: "epoch \(state.epoch)",
                                       enabled: showProgress && isatty(STDERR_FILENO) != 0)
            var clock = Date()
            var epochDone = false
            while let batch = loader.next() {
                state.batchInEpoch += 1
                if !batch.skipped.isEmpty {
                    state.skippedImages += batch.skipped.count
                    for s in batch.skipped { report("warning: skipped \(s)") }
                }
                if !batch.labels.isEmpty {
                    let loss = try step(batch.x, labels: batch.labels)
                    state.epochLossSum += Double(loss)
                    state.epochBatches += 1
                    state.epochImages += batch.labels.count
                    if state.step % options.lossFreq == 0 {
                        report(String(format: "step %d epoch %d loss %.4f lr %g", state.step, state.epoch, loss, state.lr))
                    }
                }
                let now = Date()
                state.epochSeconds += now.timeIntervalSince(clock)
                clock = now
                progress.advance()
                if state.batchInEpoch == loader.batchCount { epochDone = true; break }
                if let m = options.maxSteps, state.step >= m { break }
                if state.step % options.saveLatestFreq == 0 {
                    try saveLatest()
                    clock = Date()  // images/s counts training steps, not checkpoint writes
                }
            }
            loader.cancel()
            progress.finish()
            if epochDone {
                if let reason = try finishEpoch(val: val, pipeline: valPipeline, log: log) { stoppedBy = reason }
            } else {
                try saveLatest()
                stoppedBy = "max steps"
            }
        }
        report("stopped (\(stoppedBy)) after \(state.step) steps; run folder \(options.runDirectory)")
        return Summary(steps: state.step, epochs: log.records(), stoppedBy: stoppedBy, skippedImages: state.skippedImages,
                       runDirectory: options.runDirectory)
    }

    /// Validation, the LR schedule, epoch/best files, the log row, then `latest` for the next epoch.
    /// Returns why the run stops, or nil to go on.
    func finishEpoch(val: TrainingData, pipeline: AugmentationPipeline, log: TrainingLog) throws -> String? {
        let started = Date()
        let v = try validate(val, pipeline: pipeline)
        let lrUsed = state.lr
        let epoch = state.epoch
        try TrainingCheckpoint.write(to: path(TrainingCheckpoint.epochFile(epoch)), model: model, optimizer: nil, state: state, options: options)
        var stop: String?
        switch state.earlyStopping.step(score: v.accuracy) {
        case .continue(let isBest):
            if isBest {
                try TrainingCheckpoint.write(to: path(TrainingCheckpoint.best), model: model, optimizer: nil, state: state, options: options)
                state.bestAccuracy = v.accuracy
                state.bestEpoch = epoch
            }
        case .lowerLearningRate(let to):
            report("learning rate dropped by 10 to \(to), continue training")
            state.lr = to
        case .stop:
            report("early stopping: the learning rate would fall below \(state.earlyStopping.minLR)")
            state.finished = true
            stop = "early stopping"
        }
        let seconds = state.epochSeconds + Date().timeIntervalSince(started)
        let record = EpochRecord(epoch: epoch, steps: state.step,
                                 trainLoss: state.epochBatches > 0 ? state.epochLossSum / Double(state.epochBatches) : .nan,
                                 valAccuracy: v.accuracy, valAP: v.averagePrecision, lr: lrUsed,
                                 imagesPerSecond: state.epochSeconds > 0 ? Double(state.epochImages) / state.epochSeconds : 0,
                                 seconds: seconds, skippedImages: state.skippedImages)
        try log.append(record)
        report(String(format: "epoch %d: train loss %.4f, val acc %.4f, val AP %@, lr %g, %.1f img/s, %.1f s", epoch,
                      record.trainLoss, v.accuracy, v.averagePrecision.map { String(format: "%.4f", $0) } ?? "n/a",
                      lrUsed, record.imagesPerSecond, seconds))
        state.epoch += 1
        state.batchInEpoch = 0
        state.epochLossSum = 0; state.epochBatches = 0; state.epochImages = 0; state.epochSeconds = 0
        try saveLatest()
        return stop
    }

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

    func writeManifest(train: TrainingData, val: TrainingData) throws {
        var m = RunManifest()
        m.datasets = [RunManifest.datasetInfo(name: "train", root: train.root, files: train.images.map(\.path)),
                      RunManifest.datasetInfo(name: "val", root: val.root, files: val.images.map(\.path))]
        if let json = try? JSONSerialization.jsonObject(with: JSONEncoder().encode(options)) as? [String: Any] {
            for (k, v) in json {
                if let text = v as? String { m.settings[k] = text; continue }
                // Numbers, flags and lists as compact JSON text.
                if let d = try? JSONSerialization.data(withJSONObject: [v], options: [.sortedKeys]) {
                    m.settings[k] = String(String(decoding: d, as: UTF8.self).dropFirst().dropLast())
                }
            }
        }
        m.settings["resumedAtStep"] = state.step > 0 ? String(state.step) : nil
        if let from = startedFrom, let sha = try? RunManifest.fileSHA256(from) {
            m.model = .init(path: from, sha256: sha, architecture: options.architecture.rawValue)
        }
        do { try m.write(to: URL(fileURLWithPath: path("manifest.json"))) } catch {
            throw TrainingError.io(path: path("manifest.json"), problem: "\(error)")
        }
    }
}
