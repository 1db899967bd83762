/* Kernels with run-time CPU dispatch (see cnnspot_image.h). Bit-identical across paths: the
   loops are vectorised across independent outputs only; floating-point contraction is off for
   the whole file, so no path fuses a multiply and an add (AVX-512F has FMA; the compiler would
   otherwise be allowed to use it). */
#pragma STDC FP_CONTRACT OFF
#include <stdlib.h>
#include <string.h>
#include "cnnspot_image.h"

static int cpu_level(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return CNNSPOT_SIMD_AVX512;
    if (__builtin_cpu_supports("avx2")) return CNNSPOT_SIMD_AVX2;
#endif
    return CNNSPOT_SIMD_BASELINE;
}

static int detected_level(void) {
    static int detected = -1;
    if (detected < 0) detected = cpu_level();   /* idempotent: a race writes the same value */
    return detected;
}

int cnnspot_simd_level(void) {
    int level = detected_level();
    const char *cap = getenv("CNNSPOT_SIMD");
    if (cap) {
        int want = strcmp(cap, "baseline") == 0 ? CNNSPOT_SIMD_BASELINE
                 : strcmp(cap, "avx2") == 0 ? CNNSPOT_SIMD_AVX2 : CNNSPOT_SIMD_AVX512;
        if (want < level) level = want;
    }
    return level;
}

/* acc[i] += (lo[k][i] + hi[k][i]) * w[k], k = 0..radius-1 in order; four taps per sweep over
   the accumulators (each element still takes them one after another). */
static inline __attribute__((always_inline))
void blur_taps_body(double *restrict acc, size_t n, int radius, const double *w,
                    const double *const *lo, const double *const *hi) {
    int k = 0;
    for (; k + 4 <= radius; k += 4) {
        const double *l1 = lo[k], *h1 = hi[k], *l2 = lo[k + 1], *h2 = hi[k + 1];
        const double *l3 = lo[k + 2], *h3 = hi[k + 2], *l4 = lo[k + 3], *h4 = hi[k + 3];
        const double w1 = w[k], w2 = w[k + 1], w3 = w[k + 2], w4 = w[k + 3];
        for (size_t i = 0; i < n; i++) {
            double a = acc[i];
            a += (l1[i] + h1[i]) * w1;
            a += (l2[i] + h2[i]) * w2;
            a += (l3[i] + h3[i]) * w3;
            a += (l4[i] + h4[i]) * w4;
            acc[i] = a;
        }
    }
    for (; k < radius; k++) {
        const double *l = lo[k], *h = hi[k];
        const double wk = w[k];
        for (size_t i = 0; i < n; i++) acc[i] += (l[i] + h[i]) * wk;
    }
}

static void blur_taps_baseline(double *restrict acc, size_t n, int radius, const double *w,
                               const double *const *lo, const double *const *hi) {
    blur_taps_body(acc, n, radius, w, lo, hi);
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void blur_taps_avx2(double *restrict acc, size_t n, int radius, const double *w,
                           const double *const *lo, const double *const *hi) {
    blur_taps_body(acc, n, radius, w, lo, hi);
}

__attribute__((target("avx512f")))
static void blur_taps_avx512(double *restrict acc, size_t n, int radius, const double *w,
                             const double *const *lo, const double *const *hi) {
    blur_taps_body(acc, n, radius, w, lo, hi);
}
#endif

void cnnspot_blur_taps(double *acc, size_t n, int radius, const double *w,
                       const double *const *lo, const double *const *hi, int level) {
    int cpu = detected_level();   /* no getenv per call: the caller asked cnnspot_simd_level once */
    if (level > cpu) level = cpu;
#if defined(__x86_64__)
    if (level >= CNNSPOT_SIMD_AVX512) { blur_taps_avx512(acc, n, radius, w, lo, hi); return; }
    if (level == CNNSPOT_SIMD_AVX2) { blur_taps_avx2(acc, n, radius, w, lo, hi); return; }
#endif
    blur_taps_baseline(acc, n, radius, w, lo, hi);
}
