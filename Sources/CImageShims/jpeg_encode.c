/* Baseline JPEG encoding with libjpeg(-turbo), settings as Pillow's JpegEncode.c and OpenCV's
   grfmt_jpeg.cpp use by default (both reduce to jpeg_set_defaults + jpeg_set_quality(q, TRUE)). */
#include <setjmp.h>
#include <stdio.h> /* jpeglib.h needs FILE */
#include <stdlib.h>
#include <jpeglib.h>
#include <jerror.h>
#include "shim_common.h"
#include "growable_buffer.h"

typedef struct {
    struct jpeg_error_mgr pub;          /* first: libjpeg sees this */
    struct jpeg_destination_mgr dest;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    cnnspot_buffer out;
} jpeg_encode_context;

enum { JPEG_CHUNK = 16384 };

/* Destination manager writing into ctx->out: libjpeg fills [size, size+JPEG_CHUNK). */
static jpeg_encode_context *dest_context(j_compress_ptr cinfo) {
    return (jpeg_encode_context *)cinfo->err;
}

static void dest_init(j_compress_ptr cinfo) {
    jpeg_encode_context *ctx = dest_context(cinfo);
    if (!cnnspot_buffer_reserve(&ctx->out, JPEG_CHUNK)) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 10);
    cinfo->dest->next_output_byte = ctx->out.bytes;
    cinfo->dest->free_in_buffer = JPEG_CHUNK;
}

static boolean dest_empty(j_compress_ptr cinfo) {
    jpeg_encode_context *ctx = dest_context(cinfo);
    ctx->out.size += JPEG_CHUNK; /* libjpeg filled the whole chunk */
    if (!cnnspot_buffer_reserve(&ctx->out, JPEG_CHUNK)) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 11);
    cinfo->dest->next_output_byte = ctx->out.bytes + ctx->out.size;
    cinfo->dest->free_in_buffer = JPEG_CHUNK;
    return TRUE;
}

static void dest_term(j_compress_ptr cinfo) {
    jpeg_encode_context *ctx = dest_context(cinfo);
    ctx->out.size += JPEG_CHUNK - cinfo->dest->free_in_buffer;
}

static void jpeg_encode_error_exit(j_common_ptr cinfo) {
    jpeg_encode_context *ctx = (jpeg_encode_context *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, ctx->message);
    longjmp(ctx->jump, 1);
}

static void jpeg_encode_output_nothing(j_common_ptr cinfo) { (void)cinfo; }

int cnnspot_jpeg_encode_rgb(const uint8_t *rgb, int32_t width, int32_t height, int32_t quality,
                            uint8_t **out, size_t *out_size, char *msg) {
    *out = NULL;
    *out_size = 0;
    if (width <= 0 || height <= 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION)
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "JPEG cannot hold %dx%d", width, height);
    if (quality < 1 || quality > 100)
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "JPEG quality %d outside 1...100", quality);

    struct jpeg_compress_struct cinfo;
    jpeg_encode_context ctx; /* not modified between setjmp and longjmp except via pointers */
    memset(&ctx, 0, sizeof ctx);
    cinfo.err = jpeg_std_error(&ctx.pub);
    ctx.pub.error_exit = jpeg_encode_error_exit;
    ctx.pub.output_message = jpeg_encode_output_nothing;
    if (setjmp(ctx.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(ctx.out.bytes);
        return cnnspot_fail(msg, CNNSPOT_ERR_CORRUPT, "%s", ctx.message);
    }
    jpeg_create_compress(&cinfo);
    ctx.dest.init_destination = dest_init;
    ctx.dest.empty_output_buffer = dest_empty;
    ctx.dest.term_destination = dest_term;
    cinfo.dest = &ctx.dest;
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t row = (size_t)width * 3;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW rowp = (JSAMPROW)(rgb + (size_t)cinfo.next_scanline * row);
        jpeg_write_scanlines(&cinfo, &rowp, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = ctx.out.bytes;
    *out_size = ctx.out.size;
    return CNNSPOT_OK;
}
