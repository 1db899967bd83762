/* GIF, first frame only, with giflib, as Pillow 13's GifImagePlugin opens it and
   convert('RGB') turns it into RGB:
   - the canvas is the logical screen, enlarged to hold the first frame's rectangle if that
     reaches past it (Pillow grows `size` the same way);
   - outside the frame rectangle the canvas holds the transparency index of the frame's
     graphic control extension if it has one, else index 0 (Pillow fills with "transparency",
     else the new image is zeroed);
   - indices map through the frame's local colour table, else the global one; with neither,
     index i is grey (i, i, i) (Pillow's mode "L"); an index past the table is black;
   - interlaced frames are de-interlaced (rows 0, 4, 2, 1 mod 8 passes).
   giflib reports errors by return codes (no longjmp); everything here owns its GifFileType. */
#include <gif_lib.h>
#include <stdlib.h>
#include "shim_common.h"

typedef struct { const uint8_t *data; size_t size, pos; } gif_source;

static int gif_read(GifFileType *gif, GifByteType *buf, int n) {
    gif_source *s = (gif_source *)gif->UserData;
    if (n < 0) return 0;
    size_t left = s->size - s->pos;
    size_t take = (size_t)n < left ? (size_t)n : left;
    memcpy(buf, s->data + s->pos, take);
    s->pos += take;
    return (int)take;
}

static int gif_status(int error) {
    switch (error) {
    case D_GIF_ERR_EOF_TOO_SOON: case D_GIF_ERR_READ_FAILED: return CNNSPOT_ERR_TRUNCATED;
    case D_GIF_ERR_NOT_ENOUGH_MEM: return CNNSPOT_ERR_MEMORY;
    default: return CNNSPOT_ERR_CORRUPT;
    }
}

/* Opens the file and reads records up to the first image descriptor (no pixels), noting the
   transparency index of a graphic control extension seen on the way. */
static int gif_open_first(const uint8_t *data, size_t size, gif_source *src, GifFileType **out,
                          int *transparency, char *msg) {
    int error = 0;
    src->data = data; src->size = size; src->pos = 0;
    GifFileType *gif = DGifOpen(src, gif_read, &error);
    if (!gif) return cnnspot_fail(msg, gif_status(error), "GIF header: %s", GifErrorString(error));
    *transparency = -1;
    for (;;) {
        GifRecordType type;
        if (DGifGetRecordType(gif, &type) == GIF_ERROR) break;
        if (type == IMAGE_DESC_RECORD_TYPE) {
            if (DGifGetImageDesc(gif) == GIF_ERROR) break;
            *out = gif;
            return CNNSPOT_OK;
        }
        if (type == EXTENSION_RECORD_TYPE) {
            int code;
            GifByteType *ext;
            if (DGifGetExtension(gif, &code, &ext) == GIF_ERROR) break;
            if (code == GRAPHICS_EXT_FUNC_CODE && ext && ext[0] >= 4) {
                *transparency = (ext[1] & 1) ? ext[4] : -1;
            }
            while (ext) { if (DGifGetExtensionNext(gif, &ext) == GIF_ERROR) goto fail; }
            continue;
        }
        if (type == TERMINATE_RECORD_TYPE) {
            int e = 0;
            DGifCloseFile(gif, &e);
            return cnnspot_fail(msg, CNNSPOT_ERR_CORRUPT, "GIF holds no image");
        }
    }
fail:;
    int e = gif->Error, ignored = 0;
    DGifCloseFile(gif, &ignored);
    return cnnspot_fail(msg, gif_status(e), "GIF: %s", GifErrorString(e));
}

static void canvas_size(const GifFileType *gif, int32_t *w, int32_t *h) {
    const GifImageDesc *d = &gif->Image;
    int64_t fw = (int64_t)d->Left + d->Width, fh = (int64_t)d->Top + d->Height;
    *w = (int32_t)(gif->SWidth > fw ? gif->SWidth : fw);
    *h = (int32_t)(gif->SHeight > fh ? gif->SHeight : fh);
}

int cnnspot_gif_read_info(const uint8_t *data, size_t size, cnnspot_gif_info *info, char *msg) {
    gif_source src;
    GifFileType *gif = NULL;
    int transparency;
    int status = gif_open_first(data, size, &src, &gif, &transparency, msg);
    if (status != CNNSPOT_OK) return status;
    canvas_size(gif, &info->width, &info->height);
    info->has_palette = (gif->Image.ColorMap || gif->SColorMap) ? 1 : 0;
    info->transparency = transparency;
    int e = 0;
    DGifCloseFile(gif, &e);
    return CNNSPOT_OK;
}

int cnnspot_gif_decode_rgb(const uint8_t *data, size_t size, uint8_t *out, size_t out_capacity, char *msg) {
    gif_source src;
    GifFileType *gif = NULL;
    int transparency;
    int status = gif_open_first(data, size, &src, &gif, &transparency, msg);
    if (status != CNNSPOT_OK) return status;
    int32_t w, h;
    canvas_size(gif, &w, &h);
    const GifImageDesc *d = &gif->Image;
    int e = 0;
    if (w <= 0 || h <= 0 || out_capacity != (size_t)w * (size_t)h * 3) {
        DGifCloseFile(gif, &e);
        return cnnspot_fail(msg, CNNSPOT_ERR_LIMIT, "output buffer of %zu bytes does not fit %dx%d RGB", out_capacity, w, h);
    }
    const ColorMapObject *map = d->ColorMap ? d->ColorMap : gif->SColorMap;
    uint8_t lut[256 * 3];
    for (int i = 0; i < 256; i++) {
        if (!map) { lut[3 * i] = lut[3 * i + 1] = lut[3 * i + 2] = (uint8_t)i; }
        else if (i < map->ColorCount) {
            lut[3 * i] = map->Colors[i].Red; lut[3 * i + 1] = map->Colors[i].Green; lut[3 * i + 2] = map->Colors[i].Blue;
        } else { lut[3 * i] = lut[3 * i + 1] = lut[3 * i + 2] = 0; }
    }
    int fill = transparency >= 0 ? transparency : 0;
    for (size_t p = 0; p < (size_t)w * (size_t)h; p++) memcpy(out + 3 * p, lut + 3 * fill, 3);
    if (d->Width > 0 && d->Height > 0) {
        GifPixelType *row = (GifPixelType *)malloc((size_t)d->Width);
        if (!row) { DGifCloseFile(gif, &e); return cnnspot_fail(msg, CNNSPOT_ERR_MEMORY, "out of memory"); }
        static const int start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
        int passes = d->Interlace ? 4 : 1;
        for (int pass = 0; pass < passes; pass++) {
            int y0 = d->Interlace ? start[pass] : 0, dy = d->Interlace ? step[pass] : 1;
            for (int y = y0; y < d->Height; y += dy) {
                if (DGifGetLine(gif, row, d->Width) == GIF_ERROR) {
                    int err = gif->Error;
                    free(row);
                    DGifCloseFile(gif, &e);
                    return cnnspot_fail(msg, gif_status(err), "GIF image data: %s", GifErrorString(err));
                }
                uint8_t *dst = out + ((size_t)(d->Top + y) * (size_t)w + (size_t)d->Left) * 3;
                for (int x = 0; x < d->Width; x++) memcpy(dst + 3 * x, lut + 3 * row[x], 3);
            }
        }
        free(row);
    }
    DGifCloseFile(gif, &e);
    return CNNSPOT_OK;
}
