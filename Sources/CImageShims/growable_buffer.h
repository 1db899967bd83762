#ifndef CNNSPOT_GROWABLE_BUFFER_H
#define CNNSPOT_GROWABLE_BUFFER_H
#include <stdlib.h>
#include <string.h>

/* A malloc'ed byte buffer that doubles as it fills; owned by the encoder's context so an
   error path (after longjmp) can always free it. */
typedef struct {
    unsigned char *bytes;
    size_t size, capacity;
} cnnspot_buffer;

/* Makes room for `extra` more bytes; 0 on allocation failure or size overflow. */
static inline int cnnspot_buffer_reserve(cnnspot_buffer *b, size_t extra) {
    if (extra > (size_t)-1 - b->size) return 0;
    size_t need = b->size + extra;
    if (need <= b->capacity) return 1;
    size_t cap = b->capacity ? b->capacity : 4096;
    while (cap < need) {
        if (cap > ((size_t)-1) / 2) { cap = need; break; }
        cap *= 2;
    }
    unsigned char *p = (unsigned char *)realloc(b->bytes, cap);
    if (!p) return 0;
    b->bytes = p;
    b->capacity = cap;
    return 1;
}
#endif
