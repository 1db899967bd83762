/// Everything needed to run the network on one batch shape `(N, H, W)` (and thread count):
/// oneDNN primitives in execution order with their arguments bound, activation buffers, and the
/// output. Built once by `InferencePlan.build`, then reused for every batch of that shape.
///
/// Data flow (ResNet-50): caller's NCHW input (read in place; reordered only if the stem conv
/// wants another layout) -> stem conv+ReLU -> max-pool -> 16 blocks -> global average pool ->
/// (reorder to plain, 2048 floats per image) -> fc. All layers between stay in oneDNN's
/// blocked layout (`nChw8c` on AVX2); activations live in five shared buffers.
final class InferencePlan {
    struct Key: Hashable {
        let n: Int
        let h: Int
        let w: Int
        /// oneDNN sizes its parallel work when a primitive is created, so plans are per thread count.
        let threads: Int
    }

    /// One primitive call with its arguments (memory handles kept alive by `keepAlive`).
    struct Step {
        let bound: DNNLBoundPrimitive
        let what: String
    }

    let key: Key
    /// Bytes of the activation buffers this plan owns.
    let activationBytes: Int
    /// Bytes of weight layouts only this plan (and maybe other plans) uses, e.g. Winograd
    /// layouts for its shape; the canonical weights are shared by all plans and not counted.
    let weightBytes: Int
    var byteCount: Int { activationBytes + weightBytes }
    let outputCount: Int
    private let input: DNNLMemoryView
    private let output: DNNLMemory
    private let steps: [Step]
    private let keepAlive: [AnyObject]

    init(
        key: Key, input: DNNLMemoryView, output: DNNLMemory, outputCount: Int,
        steps: [Step], activationBytes: Int, weightBytes: Int, keepAlive: [AnyObject]
    ) {
        self.key = key
        self.input = input
        self.output = output
        self.outputCount = outputCount
        self.steps = steps
        self.activationBytes = activationBytes
        self.weightBytes = weightBytes
        self.keepAlive = keepAlive
    }

    /// `(layer, oneDNN implementation)` for each step, e.g. `("layer1.0.conv2", "jit:avx2")`.
    var implementations: [(step: String, implementation: String)] {
        steps.map { ($0.what, $0.bound.primitive.desc.implementationName) }
    }

    /// Runs the batch. `input` is `[N, 3, H, W]` row-major float32 of exactly this plan's shape.
    /// Returns `[N, classes]` row-major.
    /// The caller binds the thread count (`InferenceNetwork` binds its `compute` around the call).
    func run(_ input: UnsafeBufferPointer<Float>, on stream: DNNLStream) throws -> [Float] {
        try self.input.bound(to: input) {
            for step in steps {
                try step.bound.enqueue(on: stream, what: "\(step.what) for batch [\(key.n), 3, \(key.h), \(key.w)]")
            }
            try stream.wait()
        }
        return output.withUnsafeBufferPointer { Array($0.prefix(outputCount)) }
    }
}
