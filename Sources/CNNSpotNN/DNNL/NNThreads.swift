import CDNNL
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Threads used by oneDNN (OpenMP runtime: libdnnl links libgomp). Defaults to all cores.
/// OpenMP keeps the thread count per calling thread, so the chosen count is re-applied on
/// whichever thread runs a primitive (`applyToCurrentThread`, called by `DNNLPrimitive.execute`).
/// The same count bounds the worker threads of the core's own loops (BatchNorm).
///
/// On a shared machine start the process with `OMP_WAIT_POLICY=PASSIVE`: libgomp's idle
/// threads otherwise spin between primitives (read once at load time, so not settable here);
/// measured on the loaded 2-core box: ResNet-50 train step, batch 16, 9.7 s passive vs 22.8 s.
public enum NNThreads {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var requested = ProcessInfo.processInfo.activeProcessorCount

    /// `omp_set_num_threads` found at run time in the OpenMP runtime oneDNN loaded (no link flag needed).
    private static let setNumThreads: (@convention(c) (Int32) -> Void)? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads") else { return nil }
        return unsafeBitCast(sym, to: (@convention(c) (Int32) -> Void).self)
    }()

    /// Sets the number of threads for all later oneDNN work (clamped to at least 1).
    public static func set(_ count: Int) {
        lock.lock(); requested = max(1, count); lock.unlock()
        applyToCurrentThread()
    }

    /// The current setting.
    public static var count: Int { lock.lock(); defer { lock.unlock() }; return requested }

    /// Whether the OpenMP runtime was found (if not, oneDNN uses its own default).
    public static var isControllable: Bool { setNumThreads != nil }

    static func applyToCurrentThread() {
        setNumThreads?(Int32(count))
    }
}
