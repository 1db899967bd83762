#include "cmpi_shim.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

// Open MPI's ABI: handles are pointers to predefined globals (MPI_COMM_WORLD is
// &ompi_mpi_comm_world, ...), MPI_IN_PLACE is (void *)1. MPICH's integer handles differ: this
// shim is for Open MPI (Debian's openmpi-bin / libopenmpi3), as the trainer documents.
typedef void *handle_t;
#define SHIM_IN_PLACE ((void *)1)

static void *lib;
static handle_t comm_world, type_float, type_double, type_byte, op_sum;
static int (*p_init)(int *, char ***);
static int (*p_initialized)(int *);
static int (*p_rank)(handle_t, int *);
static int (*p_size)(handle_t, int *);
static int (*p_allreduce)(const void *, void *, int, handle_t, handle_t, handle_t);
static int (*p_bcast)(void *, int, handle_t, int, handle_t);
static int (*p_barrier)(handle_t);
static int (*p_finalize)(void);
static int (*p_abort)(handle_t, int);
static int (*p_error_string)(int, char *, int *);

static int resolve(void **out, const char *name, char *error, size_t error_len) {
    *out = dlsym(lib, name);
    if (!*out) {
        snprintf(error, error_len, "the MPI library has no symbol %s (cnnspot needs Open MPI 4 or later)", name);
        return -1;
    }
    return 0;
}

int cnnspot_mpi_start(const char *path, char *error, size_t error_len) {
    if (lib) return 0;
    const char *name = path ? path : "libmpi.so.40";
    // RTLD_GLOBAL: Open MPI's own plugins resolve libmpi's symbols through the global scope.
    lib = dlopen(name, RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
        snprintf(error, error_len, "cannot load %s: %s", name, dlerror());
        return -1;
    }
    struct { void **slot; const char *name; } symbols[] = {
        {(void **)&p_init, "MPI_Init"}, {(void **)&p_initialized, "MPI_Initialized"},
        {(void **)&p_rank, "MPI_Comm_rank"}, {(void **)&p_size, "MPI_Comm_size"},
        {(void **)&p_allreduce, "MPI_Allreduce"}, {(void **)&p_bcast, "MPI_Bcast"},
        {(void **)&p_barrier, "MPI_Barrier"}, {(void **)&p_finalize, "MPI_Finalize"},
        {(void **)&p_abort, "MPI_Abort"}, {(void **)&p_error_string, "MPI_Error_string"},
        {&comm_world, "ompi_mpi_comm_world"}, {&type_float, "ompi_mpi_float"},
        {&type_double, "ompi_mpi_double"}, {&type_byte, "ompi_mpi_byte"}, {&op_sum, "ompi_mpi_op_sum"},
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        if (resolve(symbols[i].slot, symbols[i].name, error, error_len) != 0) return -1;
    }
    int done = 0;
    p_initialized(&done);
    if (!done) {
        int rc = p_init(NULL, NULL);
        if (rc != 0) {
            snprintf(error, error_len, "MPI_Init failed (code %d)", rc);
            return rc;
        }
    }
    return 0;
}

int cnnspot_mpi_rank(int *rank) { return p_rank(comm_world, rank); }
int cnnspot_mpi_size(int *size) { return p_size(comm_world, size); }

static int allreduce(void *buffer, size_t count, size_t item, handle_t type) {
    const size_t chunk = (size_t)1 << 30;
    for (size_t at = 0; at < count; at += chunk) {
        size_t n = count - at < chunk ? count - at : chunk;
        int rc = p_allreduce(SHIM_IN_PLACE, (char *)buffer + at * item, (int)n, type, op_sum, comm_world);
        if (rc != 0) return rc;
    }
    return 0;
}

int cnnspot_mpi_allreduce_sum_float(float *buffer, size_t count) { return allreduce(buffer, count, sizeof(float), type_float); }
int cnnspot_mpi_allreduce_sum_double(double *buffer, size_t count) { return allreduce(buffer, count, sizeof(double), type_double); }

int cnnspot_mpi_broadcast(void *buffer, size_t bytes, int root) {
    const size_t chunk = (size_t)1 << 30;
    for (size_t at = 0; at < bytes; at += chunk) {
        size_t n = bytes - at < chunk ? bytes - at : chunk;
        int rc = p_bcast((char *)buffer + at, (int)n, type_byte, root, comm_world);
        if (rc != 0) return rc;
    }
    return 0;
}

int cnnspot_mpi_barrier(void) { return p_barrier(comm_world); }
int cnnspot_mpi_finalize(void) { return lib ? p_finalize() : 0; }
void cnnspot_mpi_abort(int code) { if (lib) p_abort(comm_world, code); }

void cnnspot_mpi_error_string(int code, char *out, size_t out_len) {
    int len = 0;
    char text[512] = {0};  // MPI_MAX_ERROR_STRING is 256 in Open MPI
    if (lib && p_error_string(code, text, &len) == 0) snprintf(out, out_len, "%s", text);
    else snprintf(out, out_len, "MPI error %d", code);
}
