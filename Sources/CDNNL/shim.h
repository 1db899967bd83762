#ifndef CNNSPOT_CDNNL_SHIM_H
#define CNNSPOT_CDNNL_SHIM_H
#include <dnnl.h>
#include <stdint.h>
#include <malloc.h>

/* Keep freed large buffers in the heap for reuse (glibc otherwise maps and unmaps every
   buffer above 32 MB, paying page faults and kernel zeroing on each new activation). */
static inline int cnnspot_malloc_keep_large_buffers(void) {
    return mallopt(M_MMAP_THRESHOLD, 1 << 30) && mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

/* Macros Swift cannot import, as functions. */
static inline void *cnnspot_dnnl_memory_allocate(void) { return DNNL_MEMORY_ALLOCATE; }
static inline void *cnnspot_dnnl_memory_none(void) { return DNNL_MEMORY_NONE; }
static inline int cnnspot_dnnl_arg_from(void) { return DNNL_ARG_FROM; }
static inline int cnnspot_dnnl_arg_to(void) { return DNNL_ARG_TO; }
static inline int cnnspot_dnnl_arg_src(void) { return DNNL_ARG_SRC; }
static inline int cnnspot_dnnl_arg_dst(void) { return DNNL_ARG_DST; }
static inline int cnnspot_dnnl_arg_weights(void) { return DNNL_ARG_WEIGHTS; }
static inline int cnnspot_dnnl_arg_bias(void) { return DNNL_ARG_BIAS; }
static inline int cnnspot_dnnl_arg_workspace(void) { return DNNL_ARG_WORKSPACE; }
static inline int cnnspot_dnnl_arg_scratchpad(void) { return DNNL_ARG_SCRATCHPAD; }
static inline int cnnspot_dnnl_arg_diff_src(void) { return DNNL_ARG_DIFF_SRC; }
static inline int cnnspot_dnnl_arg_diff_dst(void) { return DNNL_ARG_DIFF_DST; }
static inline int cnnspot_dnnl_arg_diff_weights(void) { return DNNL_ARG_DIFF_WEIGHTS; }
static inline int cnnspot_dnnl_arg_diff_bias(void) { return DNNL_ARG_DIFF_BIAS; }
#endif
