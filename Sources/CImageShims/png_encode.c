/* 8-bit RGB PNG encoding with libpng 1.6 into a growable memory buffer. */
#include <setjmp.h>
#include <stdlib.h>
#include <png.h>
#include "shim_common.h"
#include "growable_buffer.h"

typedef struct {
    cnnspot_buffer out;
    char message[CNNSPOT_MSG_CAP];
} png_write_context;

static void png_write_error_fn(png_structp png, png_const_charp text) {
    png_write_context *ctx = (png_write_context *)png_get_error_ptr(png);
    if (ctx->message[0] == 0) snprintf(ctx->message, sizeof ctx->message, "%s", text);
    png_longjmp(png, 1);
}

static void png_write_warning_fn(png_structp png, png_const_charp text) { (void)png; (void)text; }

static void png_write_fn(png_structp png, png_bytep bytes, size_t length) {
    png_write_context *ctx = (png_write_context *)png_get_io_ptr(png);
    if (!cnnspot_buffer_reserve(&ctx->out, length)) png_error(png, "out of memory writing PNG");
    memcpy(ctx->out.bytes + ctx->out.size, bytes, length);
    ctx->out.size += length;
}

static void png_flush_fn(png_structp png) { (void)png; }

int cnnspot_png_encode_rgb(const uint8_t *rgb, int32_t width, int32_t height,
                           uint8_t **out, size_t *out_size, char *msg) {
    *out = NULL;
    *out_size = 0;
    if (width <= 0 || height <= 0)
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "PNG cannot hold %dx%d", width, height);
    png_write_context ctx;
    memset(&ctx, 0, sizeof ctx);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, png_write_error_fn, png_write_warning_fn);
    if (!png) return cnnspot_fail(msg, CNNSPOT_ERR_MEMORY, "libpng could not allocate its state");
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return cnnspot_fail(msg, CNNSPOT_ERR_MEMORY, "libpng could not allocate its state");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(ctx.out.bytes);
        return cnnspot_fail(msg, CNNSPOT_ERR_CORRUPT, "%s", ctx.message);
    }
    png_set_write_fn(png, &ctx, png_write_fn, png_flush_fn);
    png_set_user_limits(png, 0x7fffffffu, 0x7fffffffu); /* as the decoder: PNG's own maximum */
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    size_t row = (size_t)width * 3;
    for (int32_t y = 0; y < height; y++)
        png_write_row(png, (png_const_bytep)(rgb + (size_t)y * row));
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    *out = ctx.out.bytes;
    *out_size = ctx.out.size;
    return CNNSPOT_OK;
}
