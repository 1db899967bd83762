#ifndef CNNSPOT_JPEG_QUANT_H
#define CNNSPOT_JPEG_QUANT_H
#include <stddef.h>
#include <stdint.h>

/* JPEG quantisation tables and sampling factors, read and re-used (jpeg_quality.c), for
   `cnnspot synth --jpeg-align`: a fake is re-encoded with the very tables and chroma sampling of
   the JPEG its real partner was cut from. Same conventions as cnnspot_image.h: each call owns its
   setjmp, returns a CNNSPOT_* status and writes a message into a CNNSPOT_MSG_CAP buffer. */

typedef struct {
    int32_t width, height;
    int32_t components;            /* 1..4 */
    int32_t h_samp[4], v_samp[4];  /* sampling factors per component (1..4) */
    int32_t table_of[4];           /* quantisation table number of each component (0..3) */
    int32_t present[4];            /* 1 when table n was defined by the file */
    uint16_t tables[4][64];        /* natural (row-major) order, as libjpeg stores quantval */
} cnnspot_jpeg_quant;

/* Parses the header up to the first scan (tables are read there) without decoding pixels. */
int cnnspot_jpeg_read_quant(const uint8_t *data, size_t size, cnnspot_jpeg_quant *quant, char *msg);

/* Baseline-Huffman JPEG of an 8-bit RGB image (HWC) with libjpeg's defaults (islow DCT,
   standard Huffman tables, JFIF YCbCr), except that the quantisation tables, each component's
   table number and its sampling factors come from `quant` (components must be 3; values are
   used as stored, no quality scaling). *out malloc'ed (cnnspot_free). */
int cnnspot_jpeg_encode_rgb_quant(const uint8_t *rgb, int32_t width, int32_t height,
                                  const cnnspot_jpeg_quant *quant,
                                  uint8_t **out, size_t *out_size, char *msg);
#endif
