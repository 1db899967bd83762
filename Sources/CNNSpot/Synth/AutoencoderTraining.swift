import Foundation

/// The brief training of an `ae-*` family's autoencoder: `steps` Adam steps (lr, betas 0.9,
/// 0.999) on batches of `batch` random `crop x crop` crops of the training patches (patch and
/// offset drawn from `seed`), loss L1 (`mean |y - x|`) or L2 (`mean (y - x)^2`) between the
/// reconstruction and the crop, x in [0, 1]. The gradient `sign(y - x) / n` (torch's
/// `l1_loss` backward; sign(0) = 0) or `2 (y - x) / n`. Runs with one oneDNN/core thread so that
/// every reduction (weight gradients) has one order: the weights, and so the fakes, are the same
/// bytes whatever `--threads` says.
public struct AutoencoderTraining: Sendable, Equatable {
    public enum Loss: String, Sendable { case l1, l2 }
    public var steps = 300
    public var batch = 8
    public var crop = 64
    public var learningRate = 1e-3
    public var loss = Loss.l1
    public var width = 32
    public var seed: UInt64 = 2019

    public init() {}

    var settings: String {
        "steps=\(steps);batch=\(batch);crop=\(crop);adam_lr=\(learningRate);loss=\(loss.rawValue);train_seed=\(seed)"
    }

    /// SHA-256 over every patch's size and pixels, in order.
    static func digest(_ patches: [RGBImage]) -> String {
        var h = SHA256()
        for p in patches {
            h.update(withUnsafeBytes(of: UInt32(p.width).littleEndian) { Array($0) } + withUnsafeBytes(of: UInt32(p.height).littleEndian) { Array($0) })
            h.update(p.pixels)
        }
        return h.finalize()
    }

    /// The trained weights, by `AutoencoderSpec` key. Also reports the last losses through `log`.
    func train(spec: AutoencoderSpec, patches: [RGBImage], log: ((Int, Double) -> Void)? = nil) throws -> StateDict {
        guard !patches.isEmpty else { throw SynthFamilyError.failed(family: "ae-*", reason: "no training patches to train the autoencoder on") }
        let side = min(crop, patches.map { min($0.width, $0.height) }.min()!) / AutoencoderSpec.scale * AutoencoderSpec.scale
        guard side >= 8 else { throw SynthFamilyError.failed(family: "ae-*", reason: "training patches are smaller than 8x8") }
        var oneThread = ComputeOptions.current
        oneThread.threads = 1
        return try oneThread.bind { try train(side: side, spec: spec, patches: patches, log: log) }
    }

    private func train(side: Int, spec: AutoencoderSpec, patches: [RGBImage], log: ((Int, Double) -> Void)?) throws -> StateDict {
        let net = try TrainableAutoencoder(spec: spec, seed: seed)
        let adam = Adam(net.parameters, lr: learningRate)
        var rng = SynthRandom(seed: seed, stream: 3)
        let plane = side * side
        for step in 0..<steps {
            var x = [Float](repeating: 0, count: batch * 3 * plane)
            for b in 0..<batch {
                let p = patches[rng.index(patches.count)]
                let ox = rng.index(p.width - side + 1), oy = rng.index(p.height - side + 1)
                for y in 0..<side {
                    for xx in 0..<side {
                        let src = ((oy + y) * p.width + ox + xx) * 3
                        for c in 0..<3 { x[(b * 3 + c) * plane + y * side + xx] = Float(p.pixels[src + c]) / 255 }
                    }
                }
            }
            let input = try Tensor(HostTensor(shape: [batch, 3, side, side], data: x))
            net.zeroGrad()
            let out = try net.forward(input, mode: .train).host
            let n = Float(out.count)
            var total = 0.0
            var grad = [Float](repeating: 0, count: out.count)
            for i in 0..<out.count {
                let d = out.data[i] - x[i]
                switch loss {
                case .l1: total += Double(abs(d)); grad[i] = d > 0 ? 1 / n : (d < 0 ? -1 / n : 0)
                case .l2: total += Double(d * d); grad[i] = 2 * d / n
                }
            }
            try net.backward(Tensor(HostTensor(shape: out.shape, data: grad)))
            try adam.step()
            log?(step, total / Double(n))
        }
        return net.stateDict()
    }
}

/// The `ae-*` weights file: safetensors (float32) with the training settings in its metadata.
enum AutoencoderWeightsFile {
    static func write(_ weights: StateDict, order: [String], metadata: [String: String], to path: String) throws {
        let tensors = try order.map { k -> (key: String, tensor: CheckpointTensor) in
            let t = weights[k]!
            return (k, try CheckpointTensor(shape: t.shape, floats: t.data))
        }
        try SafeTensorsWriter.write(tensors, metadata: metadata, floats: .float32, to: path)
    }

    /// The weights if `path` exists and its metadata equals `expecting`; nil if there is no file
    /// or it was made with other settings or patches (it is then retrained and overwritten).
    static func read(_ path: String, expecting: [String: String]) throws -> StateDict? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let loaded = try Checkpoint.load(path: path)
        guard loaded.metadata == expecting else { return nil }
        var out: StateDict = [:]
        for (k, shape, values) in try loaded.floatStateDict() { out[k] = HostTensor(shape: shape, data: values) }
        return out
    }
}
