import Foundation

extension Trainer {
    /// Trains until early stopping ends the run, or `maxEpochs` / `maxSteps` is reached.
    /// Reads `<dataroot>/train` and `<dataroot>/val`; writes into `options.runDirectory`.
    public func run() throws -> Summary { try compute.bind { try runBound() } }

    private func runBound() throws -> Summary {
        let train = try TrainingData.discover((options.dataroot as NSString).appendingPathComponent("train"), classes: options.classes)
        let val = try TrainingData.discover((options.dataroot as NSString).appendingPathComponent("val"), classes: options.classes)
            .subset(limit: options.valMax, seed: options.seed)
        for w in train.warnings + val.warnings { report("warning: \(w)") }
        report(
            "train: \(train.images.count) images (\(train.realCount) real, \(train.fakeCount) fake); "
                + "val: \(val.images.count) images (\(val.realCount) real, \(val.fakeCount) fake)")
        do {
            try FileManager.default.createDirectory(atPath: options.runDirectory, withIntermediateDirectories: true)
        } catch { throw TrainingError.io(path: options.runDirectory, problem: "cannot create the run folder: \(error)") }
        if let d = distributed, d.size > 1 { try checkRanksAgree(train: train, val: val, on: d) }
        let log = TrainingLog(directory: options.runDirectory)
        if writesFiles {
            try writeManifest(train: train, val: val)
            try log.start(keepBefore: state.epoch)
        }
        // Data-parallel ranks and micro-batches: each batch is cut into ranks x micro-batches
        // parts; this process computes its rank's micro-batches.
        let (rank, ranks) = (distributed?.rank ?? 0, distributed?.size ?? 1)
        let micro = options.microBatches ?? 1
        if ranks > 1 || micro > 1 {
            report(
                "data-parallel: \(ranks) rank(s) x \(micro) micro-batch(es) per batch of \(options.batchSize) "
                    + "(BatchNorm statistics per part of ~\(options.batchSize / (ranks * micro)) images; gradients averaged over the batch)")
        }

        let normalization = Detector.normalization(model.spec)  // the architecture's own
        let trainPipeline = try AugmentationPipeline(options: options.augmentation(), normalization: normalization)
        let valPipeline = try AugmentationPipeline(options: options.augmentation().validation(), normalization: normalization)
        var stoppedBy = state.finished ? "already finished" : ""
        // This invocation's training steps: their images and time (checkpoints, validation excluded).
        var sessionSteps = 0, sessionImages = 0, sessionSeconds = 0.0
        while stoppedBy.isEmpty {
            if let m = options.maxEpochs, state.epoch >= m { stoppedBy = "max epochs"; break }
            if let m = options.maxSteps, state.step >= m { stoppedBy = "max steps"; break }
            let order = train.order(epoch: state.epoch, seed: options.seed, classBalance: options.classBalance)
            let loader = TrainingBatchLoader(
                data: train, indices: order, batchSize: options.batchSize, pipeline: trainPipeline,
                seed: options.seed, streamTag: UInt64(state.epoch), startBatch: state.batchInEpoch,
                workers: options.workers, parts: (rank * micro)..<((rank + 1) * micro), of: ranks * micro)
            let progress = ProgressBar(
                total: loader.batchCount - state.batchInEpoch, label: "epoch \(state.epoch)",
                enabled: showProgress && writesFiles && isatty(STDERR_FILENO) != 0)
            var clock = Date()
            while let parts = loader.nextParts() {
                state.batchInEpoch += 1
                for part in parts {
                    for s in part.skipped { progress.above { report("warning: skipped \(s)") } }
                }
                let done = try step(parts: parts)
                state.skippedImages += done.skipped
                if let loss = done.loss {
                    state.epochLossSum += Double(loss)
                    state.epochBatches += 1
                    state.epochImages += done.images
                    if state.step % options.lossFreq == 0 {
                        let line = String(format: "step %d epoch %d loss %.4f lr %g", state.step, state.epoch, loss, state.lr)
                        progress.above { report(line) }
                    }
                }
                let now = Date()
                if done.loss != nil { sessionSteps += 1; sessionImages += done.images }
                sessionSeconds += now.timeIntervalSince(clock)
                state.epochSeconds += now.timeIntervalSince(clock)
                clock = now
                progress.advance()
                if state.batchInEpoch >= loader.batchCount { break }
                if let m = options.maxSteps, state.step >= m { break }
                if state.step % options.saveLatestFreq == 0 {
                    try saveLatest()
                    clock = Date()  // images/s counts training steps, not checkpoint writes
                }
            }
            loader.cancel()
            progress.finish()
            // Also true when a resumed position lies past a (since shrunk) training set.
            if state.batchInEpoch >= loader.batchCount {
                if let reason = try finishEpoch(val: val, pipeline: valPipeline, log: log) { stoppedBy = reason }
            } else {
                try saveLatest()
                stoppedBy = "max steps"
            }
        }
        if sessionSteps > 0 {
            var line = String(
                format: "this run: %d step(s), %d image(s) in %.2f s of training steps, %.2f img/s", sessionSteps,
                sessionImages, sessionSeconds, Double(sessionImages) / max(sessionSeconds, 1e-9))
            if let d = distributed, d.size > 1 {
                line += String(
                    format: "; gradient all-reduce %.1f ms/step, waiting for the other ranks %.1f ms/step (rank 0 of %d)",
                    1000 * allreduceSeconds / Double(sessionSteps), 1000 * waitSeconds / Double(sessionSteps), d.size)
            }
            report(line)
        }
        report("stopped (\(stoppedBy)) after \(state.step) steps; run folder \(options.runDirectory)")
        return Summary(
            steps: state.step, epochs: log.records(), stoppedBy: stoppedBy, skippedImages: state.skippedImages,
            runDirectory: options.runDirectory)
    }

    /// Validation, the LR schedule, epoch/best files, the log row, then `latest` for the next epoch.
    /// Returns why the run stops, or nil to go on.
    func finishEpoch(val: TrainingData, pipeline: AugmentationPipeline, log: TrainingLog) throws -> String? {
        let started = Date()
        // BatchNorm's running statistics differ per rank (each saw its own part of the batches):
        // validate, and save, rank 0's on every rank, as DDP's broadcast of buffers does.
        if let d = distributed, d.size > 1 { try Trainer.broadcastState(model, from: d) }
        let v = try validateBound(val, pipeline: pipeline)
        let lrUsed = state.lr
        let epoch = state.epoch
        if writesFiles {
            try TrainingCheckpoint.write(to: path(TrainingCheckpoint.epochFile(epoch)), model: model, optimizer: nil, state: state, options: options)
        }
        var stop: String?
        switch state.earlyStopping.step(score: v.accuracy) {
        case .continue(let isBest):
            if isBest {
                if writesFiles {
                    try TrainingCheckpoint.write(to: path(TrainingCheckpoint.best), model: model, optimizer: nil, state: state, options: options)
                }
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
        let record = EpochRecord(
            epoch: epoch, steps: state.step,
            trainLoss: state.epochBatches > 0 ? state.epochLossSum / Double(state.epochBatches) : .nan,
            valAccuracy: v.accuracy, valAP: v.averagePrecision, lr: lrUsed,
            imagesPerSecond: state.epochSeconds > 0 ? Double(state.epochImages) / state.epochSeconds : 0,
            seconds: seconds, skippedImages: state.skippedImages)
        if writesFiles { try log.append(record) }
        report(
            String(
                format: "epoch %d: train loss %.4f, val acc %.4f, val AP %@, lr %g, %.1f img/s, %.1f s", epoch,
                record.trainLoss, v.accuracy, v.averagePrecision.map { String(format: "%.4f", $0) } ?? "n/a",
                lrUsed, record.imagesPerSecond, seconds))
        state.epoch += 1
        state.batchInEpoch = 0
        state.epochLossSum = 0; state.epochBatches = 0; state.epochImages = 0; state.epochSeconds = 0
        try saveLatest()
        return stop
    }
}
