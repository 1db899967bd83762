#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// How the network code computes: the threads oneDNN (OpenMP) and the core's own parallel loops
/// use, and whether convolutions may pick oneDNN's blocked layouts. A value, not a process
/// setting: the networks, trainers and runners that do the work are given one and `bind` it
/// around each call; the layers and kernels inside read `ComputeOptions.current`, the value
/// bound on the calling thread (OpenMP keeps its thread count per calling thread as well).
/// With nothing bound: all cores, blocked layouts.
///
/// On a shared machine start the process with `OMP_WAIT_POLICY=PASSIVE` (`cnnspot` does):
/// libgomp's idle threads otherwise spin between primitives (read once at load time, so not
/// settable here); measured on the loaded 2-core box: ResNet-50 train step, batch 16, 9.7 s
/// passive vs 22.8 s.
public struct ComputeOptions: Sendable, Equatable, CustomStringConvertible {
    /// Threads for oneDNN's primitives and for the core's loops (BatchNorm, Adam, copies); >= 1.
    public var threads: Int
    /// Let oneDNN pick its preferred (blocked, e.g. nChw16c) layouts for convolution: its direct
    /// JIT kernels run much faster than the GEMM-based ones it uses on plain NCHW, and the other
    /// layers work on blocked tensors too (measured: ResNet-50 train step at batch 4, 224x224,
    /// 1.5-1.8 s blocked vs 2.2-3.2 s row-major on the shared 2-core machine). Off: row-major
    /// throughout. Read when a layer first sees an input shape (its primitives are cached per
    /// shape and this choice).
    public var preferBlockedLayouts: Bool

    /// `threads` nil: all cores (clamped to at least 1 otherwise).
    public init(threads: Int? = nil, preferBlockedLayouts: Bool = true) {
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.preferBlockedLayouts = preferBlockedLayouts
    }

    public var description: String { "\(threads) thread(s)\(preferBlockedLayouts ? "" : ", row-major layouts")" }

    /// The options bound on the calling thread (`bind`), else the defaults.
    public static var current: ComputeOptions { BoundOptions.stack.last ?? ComputeOptions() }

    /// Runs `body` with these options bound on the calling thread (nested binds stack; the
    /// previous options, and their OpenMP thread count, are restored afterwards).
    public func bind<R>(_ body: () throws -> R) rethrows -> R {
        BoundOptions.stack.append(self)
        applyThreadCount()
        defer {
            BoundOptions.stack.removeLast()
            Self.current.applyThreadCount()
        }
        return try body()
    }

    /// Whether OpenMP's `omp_set_num_threads` was found (if not, oneDNN uses its own default).
    public static var isThreadCountControllable: Bool { setNumThreads != nil }

    /// Sets OpenMP's thread count for the calling thread (before each primitive: a primitive may
    /// run on a thread that has not bound these options itself).
    func applyThreadCount() { Self.setNumThreads?(Int32(threads)) }

    /// `omp_set_num_threads` found at run time in the OpenMP runtime oneDNN loaded (no link flag needed).
    private static let setNumThreads: (@convention(c) (Int32) -> Void)? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads") else { return nil }
        return unsafeBitCast(sym, to: (@convention(c) (Int32) -> Void).self)
    }()
}

/// The per-thread stack of bound options (in the thread's dictionary, so it ends with the thread).
private final class BoundOptions {
    var stack: [ComputeOptions] = []

    static var stack: [ComputeOptions] {
        get { (Thread.current.threadDictionary[key] as? BoundOptions)?.stack ?? [] }
        set {
            if let box = Thread.current.threadDictionary[key] as? BoundOptions { box.stack = newValue; return }
            let box = BoundOptions()
            box.stack = newValue
            Thread.current.threadDictionary[key] = box
        }
    }
    private static let key = "cnnspot.compute-options"
}
