/* PNG decoding with libpng 1.6: raw samples only; colour conversion to Pillow's RGB happens in
   Swift (PillowConvert.swift) where each Pillow rule is written out. Each public function owns its
   setjmp; libpng's errors longjmp back to it through png_error_fn. */
#include <setjmp.h>
#include <stdlib.h>
#include <png.h>
#include "shim_common.h"

/* Context state is read after longjmp; its address escapes to libpng, so it lives in memory. */
typedef struct {
    const uint8_t *data;
    size_t size, pos;
    int status;
    char message[CNNSPOT_MSG_CAP];
    /* Set while png_read_row runs: lets png_read_fn tell "data ended inside the pixel data"
       from "data ended after the last row" (libpng then only reads the zlib trailer and CRC). */
    int reading_rows, interlaced;
    png_uint_32 height;
    int rows_complete;
} png_read_context;

static void png_error_fn(png_structp png, png_const_charp text) {
    png_read_context *ctx = (png_read_context *)png_get_error_ptr(png);
    if (ctx->status == CNNSPOT_OK) ctx->status = CNNSPOT_ERR_CORRUPT;
    if (ctx->message[0] == 0) snprintf(ctx->message, sizeof ctx->message, "%s", text);
    png_longjmp(png, 1);
}

/* libpng warnings (bad ancillary CRC, benign errors...) do not stop decoding. */
static void png_warning_fn(png_structp png, png_const_charp text) { (void)png; (void)text; }

static void png_read_fn(png_structp png, png_bytep out, size_t length) {
    png_read_context *ctx = (png_read_context *)png_get_io_ptr(png);
    if (length > ctx->size - ctx->pos) {
        /* Past the last row libpng's png_read_finish_IDAT wants the rest of the zlib stream
           (Adler-32) and the IDAT CRC; Pillow never reads those, it stops once the rows are
           full. Stop here too, with every row in the caller's buffer. */
        if (ctx->reading_rows &&
            (ctx->interlaced ? png_get_current_pass_number(png) >= 7
                             : png_get_current_row_number(png) >= ctx->height)) {
            ctx->rows_complete = 1;
            png_error(png, "data ends after the last row");
        }
        ctx->status = CNNSPOT_ERR_TRUNCATED;
        snprintf(ctx->message, sizeof ctx->message,
                 "premature end of PNG data: %zu more bytes needed at byte %zu, the data has %zu",
                 length, ctx->pos, ctx->size);
        png_error(png, ctx->message);
    }
    memcpy(out, ctx->data + ctx->pos, length);
    ctx->pos += length;
}

/* CRC-32 (ISO 3309, as PNG uses), bitwise: only run over the few header chunks. */
static uint32_t png_crc32(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

/* Pillow checks the CRC of every chunk before the first IDAT ("broken PNG file") but never
   those of IDAT and later chunks; libpng instead fails on any critical chunk and drops bad
   ancillary ones. We check the header chunks here and let libpng use the rest quietly. A
   chunk running past the end is left for libpng to report as truncation. */
static int png_check_header_crcs(const uint8_t *d, size_t size, char *msg) {
    size_t p = 8;
    while (size - p >= 12) {
        uint32_t n = (uint32_t)d[p] << 24 | (uint32_t)d[p + 1] << 16 | (uint32_t)d[p + 2] << 8 | d[p + 3];
        const uint8_t *type = d + p + 4;
        if (memcmp(type, "IDAT", 4) == 0 || memcmp(type, "IEND", 4) == 0) return CNNSPOT_OK;
        if (n > size - p - 12) return CNNSPOT_OK;
        uint32_t stored = (uint32_t)d[p + 8 + n] << 24 | (uint32_t)d[p + 9 + n] << 16 |
                          (uint32_t)d[p + 10 + n] << 8 | d[p + 11 + n];
        if (png_crc32(type, (size_t)n + 4) != stored)
            return cnnspot_fail(msg, CNNSPOT_ERR_CORRUPT, "bad CRC in %.4s chunk at byte %zu", (const char *)type, p);
        p += 12 + (size_t)n;
    }
    return CNNSPOT_OK;
}

static png_structp png_open(png_read_context *ctx, const uint8_t *data, size_t size, png_infop *info) {
    memset(ctx, 0, sizeof *ctx);
    ctx->data = data;
    ctx->size = size;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, ctx, png_error_fn, png_warning_fn);
    if (!png) return NULL;
    *info = png_create_info_struct(png);
    if (!*info) { png_destroy_read_struct(&png, NULL, NULL); return NULL; }
    png_set_read_fn(png, ctx, png_read_fn);
    png_set_crc_action(png, PNG_CRC_QUIET_USE, PNG_CRC_QUIET_USE); /* see png_check_header_crcs */
    /* Bound memory for ancillary chunks (iCCP, zTXt, ...) whatever the libpng build's defaults:
       at most 8 MiB per chunk, 1000 cached chunks; larger ones are skipped with a warning. */
    png_set_chunk_malloc_max(png, (png_alloc_size_t)8 << 20);
    png_set_chunk_cache_max(png, 1000);
    /* The caller checks width * height against its pixel limit on the IHDR values; libpng's
       default 1,000,000-per-side cap would refuse long thin images Pillow reads (a 2,000,000 x 1
       PNG is 2 M pixels), so lift it to the PNG maximum (2^31 - 1). */
    png_set_user_limits(png, 0x7fffffffu, 0x7fffffffu);
    /* Out-of-range palette indices: Pillow decodes them (as black), so do not check them. */
    png_set_check_for_invalid_index(png, 0);
    return png;
}

static int png_channels_for(int color_type) {
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: return 1;
    case PNG_COLOR_TYPE_RGB: return 3;
    case PNG_COLOR_TYPE_PALETTE: return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
    default: return 0;
    }
}

static int png_check_signature(const uint8_t *data, size_t size, char *msg) {
    if (size == 0) return cnnspot_fail(msg, CNNSPOT_ERR_TRUNCATED, "empty PNG data");
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0)
        return cnnspot_fail(msg, size < 8 ? CNNSPOT_ERR_TRUNCATED : CNNSPOT_ERR_CORRUPT, "not a PNG signature");
    return png_check_header_crcs(data, size, msg);
}

int cnnspot_png_read_info(const uint8_t *data, size_t size, cnnspot_png_info *out, char *msg) {
    int sig = png_check_signature(data, size, msg);
    if (sig != CNNSPOT_OK) return sig;
    png_read_context ctx;
    png_infop info = NULL;
    png_structp png = png_open(&ctx, data, size, &info);
    if (!png) return cnnspot_fail(msg, CNNSPOT_ERR_MEMORY, "libpng could not allocate its state");
    if (setjmp(png_jmpbuf(png))) {
        int status = ctx.status;
        cnnspot_fail(msg, status, "%s", ctx.message);
        png_destroy_read_struct(&png, &info, NULL);
        return status;
    }
    png_read_info(png, info);
    memset(out, 0, sizeof *out);
    out->width = (int32_t)png_get_image_width(png, info);
    out->height = (int32_t)png_get_image_height(png, info);
    out->bit_depth = png_get_bit_depth(png, info);
    out->color_type = png_get_color_type(png, info);
    out->interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    out->channels = png_channels_for(out->color_type);
    png_colorp palette = NULL;
    int count = 0;
    if (png_get_PLTE(png, info, &palette, &count) & PNG_INFO_PLTE) {
        if (count > 256) count = 256;
        out->palette_count = count;
        for (int i = 0; i < count; i++) {
            out->palette[3 * i] = palette[i].red;
            out->palette[3 * i + 1] = palette[i].green;
            out->palette[3 * i + 2] = palette[i].blue;
        }
    }
    out->has_trns = png_get_valid(png, info, PNG_INFO_tRNS) ? 1 : 0;
    png_destroy_read_struct(&png, &info, NULL);
    return CNNSPOT_OK;
}

static int png_decode_raw(const uint8_t *data, size_t size, uint8_t *out, size_t out_capacity,
                          size_t idat_read_size, char *msg) {
    int sig = png_check_signature(data, size, msg);
    if (sig != CNNSPOT_OK) return sig;
    png_read_context ctx;
    png_infop info = NULL;
    png_structp png = png_open(&ctx, data, size, &info);
    if (!png) return cnnspot_fail(msg, CNNSPOT_ERR_MEMORY, "libpng could not allocate its state");
    if (setjmp(png_jmpbuf(png))) {
        int status = ctx.rows_complete ? CNNSPOT_OK : ctx.status;
        if (status != CNNSPOT_OK) cnnspot_fail(msg, status, "%s", ctx.message);
        png_destroy_read_struct(&png, &info, NULL);
        return status;
    }
    /* Feed IDAT data to zlib one byte per read so a file ending right after the last row's
       data is read like Pillow reads it (libpng otherwise asks for whole IDAT chunks). */
    if (idat_read_size > 0) png_set_compression_buffer_size(png, idat_read_size);
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    int depth = png_get_bit_depth(png, info);
    int channels = png_channels_for(png_get_color_type(png, info));
    if (depth < 8) png_set_packing(png); /* one byte per sample, values unscaled */
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t row = (size_t)width * (size_t)channels * (depth == 16 ? 2 : 1);
    if (channels == 0 || row == 0 || out_capacity / row < height || out_capacity != row * height ||
        png_get_rowbytes(png, info) != row) {
        ctx.status = CNNSPOT_ERR_LIMIT;
        snprintf(ctx.message, sizeof ctx.message, "output buffer of %zu bytes does not fit %ux%u PNG rows of %zu bytes",
                 out_capacity, width, height, (size_t)png_get_rowbytes(png, info));
        png_error(png, ctx.message);
    }
    /* Row by row, every pass: libpng combines the Adam7 passes into our rows in place. */
    ctx.interlaced = passes > 1;
    ctx.height = height;
    ctx.reading_rows = 1;
    for (int pass = 0; pass < passes; pass++)
        for (png_uint_32 y = 0; y < height; y++)
            png_read_row(png, out + (size_t)y * row, NULL);
    ctx.reading_rows = 0;
    /* Chunks after the image data are not needed: Pillow stops at the last IDAT too. */
    png_destroy_read_struct(&png, &info, NULL);
    return CNNSPOT_OK;
}

int cnnspot_png_decode_raw(const uint8_t *data, size_t size, uint8_t *out, size_t out_capacity, char *msg) {
    /* Whole-chunk reads first (fast); only a file that seems cut short is read again byte by
       byte, which tells whether its rows were complete before the end (Pillow accepts that). */
    int status = png_decode_raw(data, size, out, out_capacity, 0, msg);
    if (status == CNNSPOT_ERR_TRUNCATED) status = png_decode_raw(data, size, out, out_capacity, 1, msg);
    return status;
}
