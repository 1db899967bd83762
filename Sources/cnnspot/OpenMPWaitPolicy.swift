#if canImport(Glibc)
    import Glibc
#endif

/// oneDNN runs on libgomp, whose idle threads spin at every barrier by default. When anything
/// else shares the cores (our decode threads, other processes) that spinning costs 2-10x in
/// wall time (BENCHMARKS.md, "Neural core" and "Training"); passive waiting costs ~10% on an
/// idle machine. libgomp reads `OMP_WAIT_POLICY` once, when it is loaded (before `main`), so
/// the tool sets it and starts itself again. An explicit `OMP_WAIT_POLICY` is respected.
enum OpenMPWaitPolicy {
    static func preferPassive() {
        guard getenv("OMP_WAIT_POLICY") == nil, getenv("CNNSPOT_NO_REEXEC") == nil else { return }
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1)
        setenv("CNNSPOT_NO_REEXEC", "1", 1)  // never loop, whatever happens
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv only returns on failure: go on with libgomp's default.
    }
}
