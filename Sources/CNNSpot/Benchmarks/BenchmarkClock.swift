import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// What the timing harnesses measure besides wall time: CPU time (which, unlike wall time,
/// hardly depends on other processes competing for the cores), peak memory and the load.
public enum BenchmarkClock {
    /// The median; the mean of the middle two for an even count.
    public static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Peak resident set size of this process so far (getrusage; Linux reports KiB).
    public static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// User + system CPU time of the process (all threads).
    public static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// This thread's CPU time in seconds.
    public static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The 1, 5 and 15 minute load averages, or `?`.
    public static func loadAverage() -> String {
        var loads = [Double](repeating: 0, count: 3)
        let n = getloadavg(&loads, 3)
        return n == 3 ? String(format: "%.2f %.2f %.2f", loads[0], loads[1], loads[2]) : "?"
    }
}
