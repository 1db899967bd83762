/* Quantisation tables of a JPEG file, and encoding with given tables and sampling factors, for
   `cnnspot synth --jpeg-align` (see cnnspot_jpeg_quant.h). Each public function owns its setjmp;
   libjpeg errors come back through quant_error_exit as a longjmp to that frame only. */
#include <setjmp.h>
#include <stdio.h> /* jpeglib.h needs FILE */
#include <stdlib.h>
#include <jpeglib.h>
#include <jerror.h>
#include "shim_common.h"
#include "cnnspot_jpeg_quant.h"

typedef struct {
    struct jpeg_error_mgr pub; /* first: libjpeg sees this */
    jmp_buf jump;
    int status;
    char message[JMSG_LENGTH_MAX];
} quant_context;

static void quant_error_exit(j_common_ptr cinfo) {
    quant_context *ctx = (quant_context *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, ctx->message);
    int code = cinfo->err->msg_code;
    ctx->status = (code == JERR_INPUT_EMPTY || code == JERR_INPUT_EOF) ? CNNSPOT_ERR_TRUNCATED
                : (code == JERR_OUT_OF_MEMORY) ? CNNSPOT_ERR_MEMORY
                : (code == JERR_BAD_PRECISION || code == JERR_NOT_COMPILED) ? CNNSPOT_ERR_UNSUPPORTED
                : CNNSPOT_ERR_CORRUPT;
    longjmp(ctx->jump, 1);
}

/* Warnings are ignored, as Pillow ignores them when it reads `quantization`. */
static void quant_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0) cinfo->err->num_warnings++;
}

static void quant_output_nothing(j_common_ptr cinfo) { (void)cinfo; }

static void quant_install(struct jpeg_error_mgr *pub, quant_context *ctx) {
    memset(ctx, 0, sizeof *ctx);
    jpeg_std_error(pub);
    ctx->pub.error_exit = quant_error_exit;
    ctx->pub.emit_message = quant_emit_message;
    ctx->pub.output_message = quant_output_nothing;
}

int cnnspot_jpeg_read_quant(const uint8_t *data, size_t size, cnnspot_jpeg_quant *quant, char *msg) {
    if (size == 0) return cnnspot_fail(msg, CNNSPOT_ERR_TRUNCATED, "empty JPEG data");
    if (size > (size_t)0xFFFFFFFFu) return cnnspot_fail(msg, CNNSPOT_ERR_LIMIT, "JPEG data over 4 GiB");
    memset(quant, 0, sizeof *quant);
    struct jpeg_decompress_struct cinfo;
    quant_context ctx;
    quant_install(&ctx.pub, &ctx);
    cinfo.err = &ctx.pub;
    if (setjmp(ctx.jump)) {
        int status = ctx.status;
        cnnspot_fail(msg, status, "%s", ctx.message);
        jpeg_destroy_decompress(&cinfo);
        return status;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    /* jpeg_read_header stops at the first SOS; the DQT segments before it are then parsed. */
    jpeg_read_header(&cinfo, TRUE);
    int comps = cinfo.num_components;
    if (comps < 1 || comps > 4) {
        snprintf(ctx.message, sizeof ctx.message, "cannot handle %d-component JPEG", comps);
        ctx.status = CNNSPOT_ERR_UNSUPPORTED;
        longjmp(ctx.jump, 1);
    }
    quant->width = (int32_t)cinfo.image_width;
    quant->height = (int32_t)cinfo.image_height;
    quant->components = comps;
    for (int c = 0; c < comps; c++) {
        const jpeg_component_info *ci = &cinfo.comp_info[c];
        quant->h_samp[c] = ci->h_samp_factor;
        quant->v_samp[c] = ci->v_samp_factor;
        quant->table_of[c] = ci->quant_tbl_no;
    }
    for (int t = 0; t < NUM_QUANT_TBLS && t < 4; t++) {
        const JQUANT_TBL *q = cinfo.quant_tbl_ptrs[t];
        if (!q) continue;
        quant->present[t] = 1;
        for (int i = 0; i < DCTSIZE2; i++) quant->tables[t][i] = (uint16_t)q->quantval[i];
    }
    for (int c = 0; c < comps; c++) {
        int t = quant->table_of[c];
        if (t < 0 || t > 3 || !quant->present[t]) {
            snprintf(ctx.message, sizeof ctx.message, "component %d uses undefined quantisation table %d", c, t);
            ctx.status = CNNSPOT_ERR_CORRUPT;
            longjmp(ctx.jump, 1);
        }
    }
    jpeg_destroy_decompress(&cinfo);
    return CNNSPOT_OK;
}

int cnnspot_jpeg_encode_rgb_quant(const uint8_t *rgb, int32_t width, int32_t height,
                                  const cnnspot_jpeg_quant *quant,
                                  uint8_t **out, size_t *out_size, char *msg) {
    *out = NULL;
    *out_size = 0;
    if (width <= 0 || height <= 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION)
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "JPEG cannot hold %dx%d", width, height);
    if (quant->components != 3)
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "encoding needs 3 components, got %d", quant->components);
    for (int c = 0; c < 3; c++) {
        int t = quant->table_of[c];
        if (t < 0 || t > 3 || !quant->present[t])
            return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "component %d has no quantisation table", c);
        for (int i = 0; i < DCTSIZE2; i++)
            if (quant->tables[t][i] == 0)
                return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "quantisation table %d holds a zero", t);
    }

    struct jpeg_compress_struct cinfo;
    quant_context ctx;
    quant_install(&ctx.pub, &ctx);
    cinfo.err = &ctx.pub;
    /* Owned by libjpeg's memory destination (malloc'ed, grown with realloc); volatile so the
       value set by jpeg_mem_dest is the one seen after a longjmp. */
    unsigned char *volatile buffer = NULL;
    unsigned long size = 0;
    if (setjmp(ctx.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return cnnspot_fail(msg, CNNSPOT_ERR_CORRUPT, "%s", ctx.message);
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, (unsigned char **)&buffer, &size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    /* Tables as stored (scale 100 = unscaled); baseline is not forced, so 16-bit entries of the
       source survive (libjpeg then writes a 16-bit DQT, as the source had). */
    for (int t = 0; t < 4; t++)
        if (quant->present[t]) {
            unsigned int basic[DCTSIZE2];
            for (int i = 0; i < DCTSIZE2; i++) basic[i] = quant->tables[t][i];
            jpeg_add_quant_table(&cinfo, t, basic, 100, FALSE);
        }
    for (int c = 0; c < 3; c++) {
        cinfo.comp_info[c].quant_tbl_no = quant->table_of[c];
        cinfo.comp_info[c].h_samp_factor = quant->h_samp[c];
        cinfo.comp_info[c].v_samp_factor = quant->v_samp[c];
    }
    jpeg_start_compress(&cinfo, TRUE);
    size_t row = (size_t)width * 3;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW rowp = (JSAMPROW)(rgb + (size_t)cinfo.next_scanline * row);
        jpeg_write_scanlines(&cinfo, &rowp, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = (size_t)size;
    return CNNSPOT_OK;
}
