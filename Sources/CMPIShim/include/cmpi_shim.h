// Open MPI, loaded at run time (dlopen), for data-parallel training under `mpirun`.
// cnnspot does not link libmpi: a binary without Open MPI installed runs everything else, and
// `cnnspot train` outside mpirun never loads it. Only the calls the trainer needs are wrapped.
// Every function returns 0 on success, else an MPI error code or -1 (the message in `error`).
#ifndef CMPI_SHIM_H
#define CMPI_SHIM_H

#include <stddef.h>

// Loads libmpi (`path`, or libmpi.so.40 when NULL) and calls MPI_Init. `error` gets a message.
int cnnspot_mpi_start(const char *path, char *error, size_t error_len);
int cnnspot_mpi_rank(int *rank);
int cnnspot_mpi_size(int *size);
// In-place sums over all ranks, in chunks of at most 2^30 elements.
int cnnspot_mpi_allreduce_sum_float(float *buffer, size_t count);
int cnnspot_mpi_allreduce_sum_double(double *buffer, size_t count);
// Rank `root`'s bytes to every rank.
int cnnspot_mpi_broadcast(void *buffer, size_t bytes, int root);
int cnnspot_mpi_barrier(void);
int cnnspot_mpi_finalize(void);
// Ends every rank of the job (a rank that failed: the others must not wait for it forever).
void cnnspot_mpi_abort(int code);
// The text of an MPI error code.
void cnnspot_mpi_error_string(int code, char *out, size_t out_len);

#endif
