import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// The trainer's safetensors files in `<checkpoints>/<name>/`:
/// - `latest.safetensors`: model tensors under torchvision keys, Adam moments under
///   `optimizer.exp_avg.<key>` / `optimizer.exp_avg_sq.<key>`, metadata `training_state` and
///   `train_options` (JSON): everything `--resume` needs.
/// - `epoch_<n>.safetensors`, `best.safetensors`: the model only (loadable as is by
///   `cnnspot detect -m`, which loads strictly), with the same metadata for reference.
/// Every file is written to a temporary name in the same folder and renamed over the old one, so
/// a crash never leaves a half-written checkpoint under the real name.
public enum TrainingCheckpoint {
    public static let latest = "latest.safetensors"
    public static let best = "best.safetensors"
    public static func epochFile(_ epoch: Int) -> String { "epoch_\(epoch).safetensors" }

    public static let stateKey = "training_state"
    public static let optionsKey = "train_options"
    static let expAvgPrefix = "optimizer.exp_avg."
    static let expAvgSqPrefix = "optimizer.exp_avg_sq."

    /// Writes a checkpoint atomically.
    public static func write(
        to path: String, model: TrainableResNet, optimizer: Adam?, state: TrainingState,
        options: TrainOptions
    ) throws {
        var tensors: [(key: String, tensor: CheckpointTensor)] = []
        let sd = model.stateDict()
        for (key, _) in model.spec.stateDictShapes {
            let t = sd[key]!
            if key.hasSuffix(".num_batches_tracked") {
                tensors.append((key, try CheckpointTensor(shape: [], int64s: [Int64(t.data[0])])))
            } else {
                tensors.append((key, try CheckpointTensor(shape: t.shape, floats: t.data)))
            }
        }
        var metadata = CNNSpotMetadata.make(for: tensors)
        if let optimizer {
            let moments = optimizer.exportState()
            for key in optimizer.keys {
                guard let m = moments[key] else { continue }
                tensors.append((expAvgPrefix + key, try CheckpointTensor(shape: m.expAvg.shape, floats: m.expAvg.data)))
                tensors.append((expAvgSqPrefix + key, try CheckpointTensor(shape: m.expAvgSq.shape, floats: m.expAvgSq.data)))
            }
        }
        let encoder = JSONText.encoder()
        metadata[stateKey] = String(decoding: try encoder.encode(state), as: UTF8.self)
        metadata[optionsKey] = String(decoding: try encoder.encode(options), as: UTF8.self)
        let data = try SafeTensorsWriter.encode(tensors, metadata: metadata)
        try writeAtomically(data, to: path)
    }

    /// What a `latest` checkpoint holds.
    public struct Contents {
        public var stateDict: StateDict
        public var moments: [String: Adam.State]
        public var state: TrainingState
        public var options: TrainOptions
    }

    /// Reads one of our checkpoints (with or without optimizer state).
    public static func read(_ path: String) throws -> Contents {
        let ckpt: LoadedCheckpoint
        do { ckpt = try Checkpoint.load(path: path) } catch {
            throw TrainingError.badCheckpoint(file: path, problem: "\(error)")
        }
        guard let stateJSON = ckpt.metadata[stateKey], let optionsJSON = ckpt.metadata[optionsKey] else {
            throw TrainingError.badCheckpoint(file: path, problem: "no '\(stateKey)'/'\(optionsKey)' metadata: not written by `cnnspot train`")
        }
        let decoder = JSONDecoder()
        let state: TrainingState, options: TrainOptions
        do {
            state = try decoder.decode(TrainingState.self, from: Data(stateJSON.utf8))
            options = try decoder.decode(TrainOptions.self, from: Data(optionsJSON.utf8))
        } catch {
            throw TrainingError.badCheckpoint(file: path, problem: "unreadable training metadata: \(error)")
        }
        var model: StateDict = [:]
        var avg: [String: HostTensor] = [:], avgSq: [String: HostTensor] = [:]
        for (key, tensor) in ckpt.allTensors {
            let values: [Float]
            do { values = try tensor.floatValues() } catch {
                throw TrainingError.badCheckpoint(file: path, problem: "tensor \(key): \(error)")
            }
            let host = HostTensor(shape: tensor.shape, data: values)
            if key.hasPrefix(expAvgSqPrefix) {
                avgSq[String(key.dropFirst(expAvgSqPrefix.count))] = host
            } else if key.hasPrefix(expAvgPrefix) {
                avg[String(key.dropFirst(expAvgPrefix.count))] = host
            } else {
                model[key] = host
            }
        }
        var moments: [String: Adam.State] = [:]
        for (key, m) in avg {
            guard let v = avgSq[key], let step = state.adamSteps[key] else {
                throw TrainingError.badCheckpoint(file: path, problem: "Adam state of \(key) incomplete (exp_avg_sq or step missing)")
            }
            moments[key] = Adam.State(step: step, expAvg: m, expAvgSq: v)
        }
        if let orphan = avgSq.keys.first(where: { avg[$0] == nil }) {
            throw TrainingError.badCheckpoint(file: path, problem: "Adam state of \(orphan) has exp_avg_sq but no exp_avg")
        }
        return Contents(stateDict: model, moments: moments, state: state, options: options)
    }

    /// Writes `data` to a temporary file beside `path` and renames it over `path`.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = (dir.isEmpty ? "." : dir) + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: nil), let handle = FileHandle(forWritingAtPath: tmp) else {
            throw TrainingError.io(path: tmp, problem: "cannot create temporary checkpoint file")
        }
        do {
            // No fsync: the rename protects against a killed or crashed process (the case resuming
            // is for); flushing 100+ MB per save would cost seconds on every checkpoint.
            try handle.write(contentsOf: data)
            try handle.close()
        } catch {
            try? handle.close()
            unlink(tmp)
            throw TrainingError.io(path: tmp, problem: "writing checkpoint failed: \(error)")
        }
        guard rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw TrainingError.io(path: path, problem: "cannot rename temporary checkpoint into place: \(reason)")
        }
    }
}
