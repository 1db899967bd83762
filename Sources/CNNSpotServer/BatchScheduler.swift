import CNNSpot
import Foundation

/// Dynamic batching for the network, as Triton's and TorchServe's batchers do: images from
/// concurrent requests wait in one bounded queue; a single worker thread takes the oldest
/// image, gathers the other waiting images of the same size (up to `maxBatch` and
/// `maxBatchPixels`), waits at most `maxBatchWait` after the oldest arrived for more, and runs
/// them as one `[N, 3, H, W]` batch. Different sizes are never padded or resized together.
///
/// Bounded: `reserve(_:)` admits a request's images only while the queue holds fewer than
/// `capacity`; otherwise it throws `queueFull` (503 + Retry-After). An image whose request
/// deadline passes while it waits is answered with `timeout` (504) and never run.
///
/// The worker is a plain thread, not a Swift task: the network call blocks for tens of
/// milliseconds and must not occupy the cooperative pool or the event loops.
public final class BatchScheduler: @unchecked Sendable {
    /// The logit of one image and where its time went.
    public struct Scored: Sendable {
        public var logit: Float
        public var queueMilliseconds: Double
        public var inferMilliseconds: Double
        /// Images in the network batch it ran in.
        public var batchSize: Int
    }

    public enum Failure: Error {
        case queueFull
        case timeout
        case stopped
    }

    /// Called after each batch with its size and duration (metrics).
    public var onBatch: (@Sendable (_ size: Int, _ seconds: Double) -> Void)?
    /// Called whenever the number of waiting images changes (metrics).
    public var onDepth: (@Sendable (Int) -> Void)?

    private struct Job {
        var image: RGBImage
        var enqueued: UInt64
        var deadline: UInt64
        var resume: (Result<Scored, Error>) -> Void
    }

    private let model: ScoringModel
    private let capacity: Int
    private let maxBatch: Int
    private let maxWaitNanos: UInt64
    private let maxBatchPixels: Int
    private let condition = NSCondition()
    private var queue: [Job] = []
    /// Images admitted by `reserve` and not yet answered (queued or running).
    private var admitted = 0
    private var stopping = false
    private var thread: Thread?

    public init(model: ScoringModel, capacity: Int, maxBatch: Int, maxBatchWait: Duration, maxBatchPixels: Int) {
        self.model = model
        self.capacity = capacity
        self.maxBatch = maxBatch
        self.maxWaitNanos = UInt64(max(0, maxBatchWait.seconds * 1e9))
        self.maxBatchPixels = maxBatchPixels
    }

    /// Starts the worker thread (idempotent).
    public func start() {
        condition.lock(); defer { condition.unlock() }
        guard thread == nil else { return }
        let t = Thread { [self] in workerLoop() }
        t.name = "cnnspot-batcher"
        t.stackSize = 8 << 20
        thread = t
        t.start()
    }

    /// Lets queued images finish, then ends the worker; later submissions fail with `stopped`.
    public func stop() {
        condition.lock(); stopping = true; condition.broadcast(); condition.unlock()
    }

    /// Images admitted and not yet answered.
    public var depth: Int { condition.lock(); defer { condition.unlock() }; return admitted }

    /// Admits `count` images of one request, or throws `queueFull`. Each admitted image must be
    /// given to `score` or returned with `release`.
    public func reserve(_ count: Int) throws {
        condition.lock(); defer { condition.unlock() }
        if stopping { throw Failure.stopped }
        guard admitted + count <= capacity else { throw Failure.queueFull }
        admitted += count
        onDepth?(admitted)
    }

    /// Returns admitted slots that will not be scored (their image failed to decode).
    public func release(_ count: Int) {
        guard count > 0 else { return }
        condition.lock(); admitted -= count; onDepth?(admitted); condition.unlock()
    }

    /// Scores one admitted image (>= 32 x 32), waiting for a batch; `deadline` is a
    /// `DispatchTime` uptime in nanoseconds after which it is answered with `timeout` if it has
    /// not started.
    public func score(_ image: RGBImage, deadline: UInt64) async throws -> Scored {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Scored, Error>) in
            condition.lock()
            if stopping && thread == nil {
                condition.unlock()
                c.resume(throwing: Failure.stopped)
                return
            }
            queue.append(
                Job(
                    image: image, enqueued: DispatchTime.now().uptimeNanoseconds, deadline: deadline,
                    resume: { c.resume(with: $0) }))
            condition.signal()
            condition.unlock()
        }
    }

    // MARK: Worker

    private func workerLoop() {
        condition.lock()
        while true {
            if queue.isEmpty {
                if stopping { break }
                condition.wait()
                continue
            }
            let now = DispatchTime.now().uptimeNanoseconds
            // Answer what waited past its deadline; it is never run.
            let expired = queue.filter { $0.deadline <= now }
            if !expired.isEmpty {
                queue.removeAll { $0.deadline <= now }
                admitted -= expired.count
                onDepth?(admitted)
                condition.unlock()
                expired.forEach { $0.resume(.failure(Failure.timeout)) }
                condition.lock()
                continue
            }
            let first = queue[0]
            let (w, h) = (first.image.width, first.image.height)
            let perBatch = max(1, min(maxBatch, maxBatchPixels / max(1, w * h)))
            let members = queue.indices.filter { queue[$0].image.width == w && queue[$0].image.height == h }.prefix(perBatch)
            // Wait for more of this size while the oldest is younger than the wait bound.
            let runAt = first.enqueued &+ maxWaitNanos
            if members.count < perBatch && now < runAt && !stopping {
                let wake = min(runAt, queue.map(\.deadline).min() ?? runAt)
                condition.wait(until: Date(timeIntervalSinceNow: Double(wake - now) / 1e9))
                continue
            }
            let chosen = Set(members)
            let batch = members.map { queue[$0] }
            queue = queue.indices.filter { !chosen.contains($0) }.map { queue[$0] }
            condition.unlock()
            let answer = run(batch)
            condition.lock()
            admitted -= batch.count
            // Recorded under the lock so the gauge sees the changes in order, and before the
            // answers go out so a client never sees its own finished image still counted.
            onDepth?(admitted)
            condition.unlock()
            answer()
            condition.lock()
        }
        thread = nil
        condition.unlock()
    }

    /// Runs the batch; returns the closure that answers its jobs.
    private func run(_ batch: [Job]) -> () -> Void {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = Result { try model.logits(batch.map(\.image)) }
        let end = DispatchTime.now().uptimeNanoseconds
        let inferMs = Double(end - start) / 1e6
        onBatch?(batch.count, Double(end - start) / 1e9)
        return {
            switch result {
            case .success(let logits):
                for (job, z) in zip(batch, logits) {
                    job.resume(
                        .success(
                            Scored(
                                logit: z, queueMilliseconds: Double(start - job.enqueued) / 1e6,
                                inferMilliseconds: inferMs, batchSize: batch.count)))
                }
            case .failure(let error):
                batch.forEach { $0.resume(.failure(error)) }
            }
        }
    }
}
