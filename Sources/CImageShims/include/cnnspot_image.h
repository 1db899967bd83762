#ifndef CNNSPOT_IMAGE_SHIMS_H
#define CNNSPOT_IMAGE_SHIMS_H
#include <stddef.h>
#include <stdint.h>
/* C side of image coding. libjpeg and libpng report errors by longjmp, which Swift
   frames cannot survive: every decode/encode runs whole inside one C function here that
   owns the setjmp and returns a status plus a message. Implemented in codecs.c. */
int cnnspot_shims_version(void);
#endif
