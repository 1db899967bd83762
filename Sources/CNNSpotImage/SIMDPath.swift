import CImageShims

/// The code path our own C kernels take on this CPU (run-time dispatch by cpuid; the binary
/// itself stays x86-64 baseline). Every path gives identical bytes; `CNNSPOT_SIMD=baseline`,
/// `avx2` or `avx512` caps the choice (read whenever a kernel starts, so tests can force each).
/// Dispatched today: the Gaussian blur's taps. oneDNN dispatches its own kernels itself.
public enum SIMDPath: String, Sendable, CaseIterable {
    case baseline, avx2, avx512

    /// The path a kernel starting now takes.
    public static var current: SIMDPath {
        switch cnnspot_simd_level() {
        case Int32(CNNSPOT_SIMD_AVX512): return .avx512
        case Int32(CNNSPOT_SIMD_AVX2): return .avx2
        default: return .baseline
        }
    }
}
