import Foundation

/// A network of `NetworkSpec` (the CNNSpot detector: ResNet-50, `fc = Linear(2048, 1)`; NPR;
/// EfficientNet-Lite) compiled from its description for fast eval-mode inference on the CPU
/// with oneDNN.
///
/// - BatchNorm is folded into each conv's weights and a bias (computed in Double, stored Float).
/// - ReLU/ReLU6 and the residual add run as post-ops of the convs (sum + activation on a
///   block's last conv). Depthwise convs are oneDNN grouped convolutions; TensorFlow-"same"
///   padding is oneDNN's separate left/right padding, computed per batch shape.
/// - The input transform (NPR's residual) runs on the host before the first conv.
/// - Layouts: with `.direct`, oneDNN's choice (`format_tag_any`: `nhwc` for its brgemm AVX-512
///   convs, `nChw8c` for AVX2); with `.fastest` on AVX-512, `nChw16c` throughout and Winograd for
///   the stride-1 3x3 convs. Weights are reordered once to the layout each conv wants. Data changes
///   layout only at the input (if the stem wants it) and before `fc`.
/// - Primitives and activation buffers are built once per batch shape `(N, H, W)` and thread
///   count and cached (least recently used dropped beyond `planCacheCapacity` shapes or
///   `planCacheBytes` of activations and shape-specific weight layouts).
///
/// Input: `[N, 3, H, W]` float32, row-major, normalised as the description says (ImageNet mean/std
/// for ResNet and NPR, `(x*255 - 127) / 128` for EfficientNet-Lite),
/// any N >= 1, H and W >= 32. Output: `[N, classes]` logits, row-major (one per image for CNNSpot).
///
/// Threads: `compute` (default: all cores), bound around every call.
///
/// Thread safety: calls are serialised by an internal lock, so one network may be shared
/// between threads, but they then take turns (each call already uses all of `compute`'s
/// threads). For concurrent batches build one network per thread.
public final class InferenceNetwork {
    public let spec: NetworkSpec
    /// Smallest accepted height and width: five stride-2 stages take 32 to 1.
    public static let minimumSize = 32

    /// Most batch shapes kept ready (least recently used first out).
    public var planCacheCapacity: Int {
        get { lock.lock(); defer { lock.unlock() }; return capacity }
        set { lock.lock(); capacity = max(1, newValue); trimCache(); lock.unlock() }
    }
    /// Bytes the cached plans may hold together: activations plus shape-specific weight layouts
    /// (Winograd); the plan in use is always kept.
    public var planCacheBytes: Int {
        get { lock.lock(); defer { lock.unlock() }; return cacheBytes }
        set { lock.lock(); cacheBytes = newValue; trimCache(); lock.unlock() }
    }
    /// Largest activation memory one batch may need; bigger batches fail with `exceedsMemoryLimit`.
    public var memoryLimitBytes: Int {
        get { lock.lock(); defer { lock.unlock() }; return memoryLimit }
        set { lock.lock(); memoryLimit = newValue; lock.unlock() }
    }

    /// The algorithm asked for; `usesWinograd` says whether this CPU has it.
    public let algorithm: InferenceConvolutionAlgorithm
    public var usesWinograd: Bool { options.winograd }
    /// The arithmetic of the convolutions (`.fp32` unless asked).
    public let precision: InferencePrecision

    let options: InferencePlanOptions
    let stages: [InferenceStage]
    let head: InferenceLinear
    /// Threads every call runs with (plans are built per thread count, so changing it between
    /// calls builds new ones). Only `threads` applies: the plans choose their layouts themselves
    /// (`InferenceConvolutionAlgorithm`), whatever `preferBlockedLayouts` says.
    public var compute: ComputeOptions {
        get { lock.lock(); defer { lock.unlock() }; return computeOptions }
        set { lock.lock(); computeOptions = newValue; lock.unlock() }
    }
    private var computeOptions: ComputeOptions
    private let stream: DNNLStream
    private let lock = NSLock()
    private var capacity = 8
    private var cacheBytes = 2 << 30
    private var memoryLimit = 4 << 30
    /// Least recently used first.
    private var plans: [InferencePlan] = []

    /// Checks every parameter of `spec` in `stateDict` (the reference's keys; `num_batches_tracked`
    /// is not needed) and folds the BatchNorms. The state dict is not retained.
    /// `algorithm`: `.fastest` (Winograd where oneDNN has it) or `.direct`. `precision`: `.fp32`,
    /// or `.bf16` (direct convolutions whatever `algorithm` says; refused on a CPU where oneDNN has
    /// no optimised bf16 kernel).
    public init(
        spec: NetworkSpec = NetworkSpec(), stateDict: StateDict,
        algorithm: InferenceConvolutionAlgorithm = .fastest, precision: InferencePrecision = .fp32,
        compute: ComputeOptions = ComputeOptions()
    ) throws {
        guard precision.isSupported else { throw InferenceError.unsupportedPrecision(precision.rawValue) }
        self.spec = spec
        computeOptions = compute
        self.algorithm = algorithm
        self.precision = precision
        options = InferencePlanOptions.resolve(algorithm, precision: precision)
        (stages, head) = try Self.fold(spec.description, stateDict, keepPlain3x3: options.winograd)
        stream = try DNNLStream()
    }

    /// Logits for a batch `[N, 3, H, W]`: `N * classes` values, row-major `[N, classes]`.
    public func logits(_ batch: HostTensor) throws -> [Float] {
        guard batch.shape.count == 4 else {
            throw InferenceError.badInputShape(shape: batch.shape, reason: "expected 4 dims [N, 3, H, W]")
        }
        return try batch.data.withUnsafeBufferPointer {
            try logits($0, batch: batch.shape[0], channels: batch.shape[1], height: batch.shape[2], width: batch.shape[3])
        }
    }

    /// Logits for `batch` images of `height` x `width`, read in place from `input` (NCHW,
    /// row-major float32, exactly `batch * 3 * height * width` values): no copy of the input.
    public func logits(
        _ input: UnsafeBufferPointer<Float>, batch n: Int, channels: Int = 3,
        height: Int, width: Int
    ) throws -> [Float] {
        let shape = [n, channels, height, width]
        guard n >= 1 else { throw InferenceError.badInputShape(shape: shape, reason: "batch size must be at least 1") }
        guard channels == 3 else { throw InferenceError.badInputShape(shape: shape, reason: "expected 3 (RGB) channels") }
        guard height >= Self.minimumSize, width >= Self.minimumSize else {
            throw InferenceError.inputTooSmall(height: height, width: width, minimum: Self.minimumSize)
        }
        let (count, overflow) = n.multipliedReportingOverflow(by: 3 * height * width)
        guard !overflow, input.count == count else {
            throw InferenceError.badInputShape(shape: shape, reason: "\(input.count) values given, the shape needs \(overflow ? "too many" : String(count))")
        }
        let transform = spec.description.inputTransform
        if transform != .identity {
            let (th, tw) = InputTransformKernel.outputSize(transform, height: height, width: width)
            var transformed = [Float](repeating: 0, count: n * 3 * th * tw)
            try transformed.withUnsafeMutableBufferPointer {
                try InputTransformKernel.apply(transform, input, batch: n, channels: 3, height: height, width: width, into: $0)
            }
            return try transformed.withUnsafeBufferPointer { try run($0, n: n, height: th, width: tw) }
        }
        return try run(input, n: n, height: height, width: width)
    }

    private func run(_ input: UnsafeBufferPointer<Float>, n: Int, height: Int, width: Int) throws -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        return try computeOptions.bind {
            let plan = try plan(InferencePlan.Key(n: n, h: height, w: width, threads: computeOptions.threads))
            return try plan.run(input, on: stream)
        }
    }

    /// The oneDNN implementation of every step for a batch shape (builds and caches its plan):
    /// for profiling and for tests that the fast kernels (`jit:avx2`, `jit_1x1:avx2`) are used.
    public func implementations(batch n: Int, height: Int, width: Int) throws -> [(step: String, implementation: String)] {
        guard n >= 1, height >= Self.minimumSize, width >= Self.minimumSize else {
            throw InferenceError.inputTooSmall(height: height, width: width, minimum: Self.minimumSize)
        }
        let (th, tw) = InputTransformKernel.outputSize(spec.description.inputTransform, height: height, width: width)
        lock.lock()
        defer { lock.unlock() }
        return try computeOptions.bind { try plan(InferencePlan.Key(n: n, h: th, w: tw, threads: computeOptions.threads)).implementations }
    }

    /// Batch shapes `(N, H, W)` with a ready plan, least recently used first.
    public var cachedShapes: [(n: Int, height: Int, width: Int)] {
        lock.lock()
        defer { lock.unlock() }
        return plans.map { ($0.key.n, $0.key.h, $0.key.w) }
    }

    /// Bytes the cached plans hold: activations, scratchpad, shape-specific weight layouts.
    public var cachedPlanBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return plans.reduce(0) { $0 + $1.byteCount }
    }

    /// Bytes of weights held in oneDNN memory (all layouts).
    public var weightBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        let convs = stages.flatMap(\.convs)
        return convs.reduce(head.weights.byteCount + head.bias.byteCount) { $0 + $1.weights.byteCount + $1.bias.byteCount }
    }

    /// Drops every cached plan (their activation buffers); weights stay.
    public func clearPlanCache() {
        lock.lock()
        plans.removeAll()
        lock.unlock()
    }

    // Caller holds `lock`.
    private func plan(_ key: InferencePlan.Key) throws -> InferencePlan {
        if let i = plans.firstIndex(where: { $0.key == key }) {
            let hit = plans.remove(at: i)
            plans.append(hit)
            return hit
        }
        let built = try buildPlan(key, memoryLimit: memoryLimit)
        plans.append(built)
        trimCache()
        return built
    }

    // Caller holds `lock`. Drops least recently used plans, never the newest.
    private func trimCache() {
        while plans.count > 1,
            plans.count > capacity || plans.reduce(0, { $0 + $1.byteCount }) > cacheBytes
        {
            plans.removeFirst()
        }
    }
}
