/* JPEG decoding with libjpeg(-turbo). Each public function owns its setjmp; errors from libjpeg
   come back through jpeg_error_exit below as a longjmp to that frame only. */
#include <setjmp.h>
#include <stdio.h> /* jpeglib.h needs FILE */
#include <stdlib.h>
#include <jpeglib.h>
#include <jerror.h>
#include "shim_common.h"

typedef struct {
    struct jpeg_error_mgr pub;       /* must be first: libjpeg sees this */
    jmp_buf jump;
    int status;                      /* CNNSPOT_* set before the longjmp */
    char message[JMSG_LENGTH_MAX];
    int rows_done;                   /* every scanline read: later EOF is harmless */
    int max_scans;                   /* 0 = unlimited */
    struct jpeg_progress_mgr progress;
} jpeg_context;

static void jpeg_error_exit(j_common_ptr cinfo) {
    jpeg_context *ctx = (jpeg_context *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, ctx->message);
    int code = cinfo->err->msg_code;
    ctx->status = (code == JERR_INPUT_EMPTY || code == JERR_INPUT_EOF) ? CNNSPOT_ERR_TRUNCATED
                : (code == JERR_OUT_OF_MEMORY) ? CNNSPOT_ERR_MEMORY
                : (code == JERR_BAD_PRECISION || code == JERR_NOT_COMPILED) ? CNNSPOT_ERR_UNSUPPORTED
                : CNNSPOT_ERR_CORRUPT;
    longjmp(ctx->jump, 1);
}

/* Warnings (level -1) and trace messages. Pillow ignores libjpeg's warnings, so do we, except
   the memory source's "Premature end of JPEG file": Pillow's decoder would ask for more data
   at that point and ImageFile.load raises "image file is truncated" unless every row has
   already been produced. */
static void jpeg_emit_message(j_common_ptr cinfo, int level) {
    jpeg_context *ctx = (jpeg_context *)cinfo->err;
    if (level < 0) {
        cinfo->err->num_warnings++;
        if (cinfo->err->msg_code == JWRN_JPEG_EOF && !ctx->rows_done) {
            (*cinfo->err->format_message)(cinfo, ctx->message);
            ctx->status = CNNSPOT_ERR_TRUNCATED;
            longjmp(ctx->jump, 1);
        }
    }
}

static void jpeg_output_nothing(j_common_ptr cinfo) { (void)cinfo; }

/* A progressive file may hold a huge number of tiny scans, each costing a full pass over the
   coefficients (libjpeg-turbo's djpeg -maxscans guards the same way). */
static void jpeg_progress(j_common_ptr cinfo) {
    jpeg_context *ctx = (jpeg_context *)cinfo->err;
    if (cinfo->is_decompressor && ctx->max_scans > 0) {
        j_decompress_ptr d = (j_decompress_ptr)cinfo;
        if (d->input_scan_number > ctx->max_scans) {
            snprintf(ctx->message, sizeof ctx->message,
                     "more than %d scans (progressive JPEG scan limit)", ctx->max_scans);
            ctx->status = CNNSPOT_ERR_LIMIT;
            longjmp(ctx->jump, 1);
        }
    }
}

static void jpeg_install(struct jpeg_decompress_struct *cinfo, jpeg_context *ctx) {
    memset(ctx, 0, sizeof *ctx);
    cinfo->err = jpeg_std_error(&ctx->pub);
    ctx->pub.error_exit = jpeg_error_exit;
    ctx->pub.emit_message = jpeg_emit_message;
    ctx->pub.output_message = jpeg_output_nothing;
}

static void jpeg_fill_info(const struct jpeg_decompress_struct *cinfo, cnnspot_jpeg_info *info) {
    info->width = (int32_t)cinfo->image_width;
    info->height = (int32_t)cinfo->image_height;
    info->components = cinfo->num_components;
    info->progressive = cinfo->progressive_mode ? 1 : 0;
    info->color_space = (int32_t)cinfo->jpeg_color_space;
    info->saw_adobe = cinfo->saw_Adobe_marker ? 1 : 0;
    info->adobe_transform = cinfo->Adobe_transform;
}

int cnnspot_jpeg_read_info(const uint8_t *data, size_t size, cnnspot_jpeg_info *info, char *msg) {
    if (size == 0) return cnnspot_fail(msg, CNNSPOT_ERR_TRUNCATED, "empty JPEG data");
    if (size > (size_t)0xFFFFFFFFu) return cnnspot_fail(msg, CNNSPOT_ERR_LIMIT, "JPEG data over 4 GiB");
    struct jpeg_decompress_struct cinfo;
    jpeg_context ctx;
    jpeg_install(&cinfo, &ctx);
    if (setjmp(ctx.jump)) {
        int status = ctx.status;
        cnnspot_fail(msg, status, "%s", ctx.message);
        jpeg_destroy_decompress(&cinfo);
        return status;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    jpeg_fill_info(&cinfo, info);
    jpeg_destroy_decompress(&cinfo);
    return CNNSPOT_OK;
}

int cnnspot_jpeg_decode(const uint8_t *data, size_t size, int32_t max_scans,
                        uint8_t *out, size_t out_capacity, char *msg) {
    if (size == 0) return cnnspot_fail(msg, CNNSPOT_ERR_TRUNCATED, "empty JPEG data");
    if (size > (size_t)0xFFFFFFFFu) return cnnspot_fail(msg, CNNSPOT_ERR_LIMIT, "JPEG data over 4 GiB");
    struct jpeg_decompress_struct cinfo;
    jpeg_context ctx;
    jpeg_install(&cinfo, &ctx);
    ctx.max_scans = max_scans;
    if (setjmp(ctx.jump)) {
        int status = ctx.status;
        cnnspot_fail(msg, status, "%s", ctx.message);
        jpeg_destroy_decompress(&cinfo);
        return status;
    }
    jpeg_create_decompress(&cinfo);
    ctx.progress.progress_monitor = jpeg_progress;
    cinfo.progress = &ctx.progress;
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);

    int comps = cinfo.num_components;
    switch (comps) {
    case 1: cinfo.out_color_space = JCS_GRAYSCALE; break;
    case 3: cinfo.out_color_space = JCS_RGB; break;
    case 4: cinfo.out_color_space = JCS_CMYK; break;
    default:
        snprintf(ctx.message, sizeof ctx.message, "cannot handle %d-component JPEG", comps);
        ctx.status = CNNSPOT_ERR_UNSUPPORTED;
        longjmp(ctx.jump, 1);
    }
    /* Pillow's settings are libjpeg's defaults; stated here so a library default change shows. */
    cinfo.dct_method = JDCT_ISLOW;
    cinfo.do_fancy_upsampling = TRUE;
    cinfo.scale_num = cinfo.scale_denom = 1;

    size_t row = (size_t)cinfo.image_width * (size_t)comps;
    if (row == 0 || cinfo.image_height == 0 || out_capacity / row < cinfo.image_height ||
        out_capacity != row * cinfo.image_height) {
        snprintf(ctx.message, sizeof ctx.message, "output buffer of %zu bytes does not fit %ux%ux%d",
                 out_capacity, cinfo.image_width, cinfo.image_height, comps);
        ctx.status = CNNSPOT_ERR_LIMIT;
        longjmp(ctx.jump, 1);
    }
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != comps) {
        snprintf(ctx.message, sizeof ctx.message, "libjpeg gave %d output components, expected %d",
                 cinfo.output_components, comps);
        ctx.status = CNNSPOT_ERR_UNSUPPORTED;
        longjmp(ctx.jump, 1);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rowp = out + (size_t)cinfo.output_scanline * row;
        if (jpeg_read_scanlines(&cinfo, &rowp, 1) != 1) {
            /* Only a suspending source returns 0; the memory source never suspends. */
            snprintf(ctx.message, sizeof ctx.message, "decoder stopped at row %u", cinfo.output_scanline);
            ctx.status = CNNSPOT_ERR_TRUNCATED;
            longjmp(ctx.jump, 1);
        }
    }
    ctx.rows_done = 1;
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return CNNSPOT_OK;
}

void cnnspot_free(void *p) { free(p); }
