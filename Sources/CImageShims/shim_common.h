#ifndef CNNSPOT_SHIM_COMMON_H
#define CNNSPOT_SHIM_COMMON_H
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cnnspot_image.h"

/* Writes a message into the caller's CNNSPOT_MSG_CAP buffer (NULL allowed) and returns `status`. */
static inline int cnnspot_fail(char *msg, int status, const char *fmt, ...) {
    if (msg) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, CNNSPOT_MSG_CAP, fmt, ap);
        va_end(ap);
    }
    return status;
}
#endif
