/* TIFF, first directory only, with libtiff, as Pillow 13's TiffImagePlugin opens it and
   convert('RGB') turns it into RGB (the orientation tag is applied by the Swift caller, as
   Pillow 13 transposes TIFFs on load):
   - samples are read with TIFFReadEncodedStrip / TIFFReadEncodedTile (libtiff undoes the
     compression, predictor and fill order), chunky (PlanarConfiguration 1) only;
   - MinIsBlack / MinIsWhite 1, 2, 4, 8 bits: grey scaled to 0..255 (v * 255 / (2^bits - 1)),
     inverted for MinIsWhite; 16 bits (Pillow's "I;16" / "I;16B"): clipped at 255, not scaled,
     and MinIsWhite is NOT inverted (Pillow's table maps it to plain "I;16"); an extra sample
     (LA, LX) is dropped;
   - RGB 8 bits with 0..3 extra samples: the extras are dropped (unassociated alpha is not
     composited); associated alpha (ExtraSamples 1, Pillow's "RGBa") is un-premultiplied first
     as Pillow unpacks it (c * 255 / a, 0 where a is 0); RGB 16 bits: the high byte;
   - Palette 1, 2, 4, 8 bits: the 16-bit colour map shifted right by 8;
   - CMYK (Separated, InkSet CMYK) 8 bits: Pillow's cmyk2rgb (R = nk - muldiv255(C, nk), nk = 255 - K);
   - YCbCr with JPEG compression: libtiff's JPEGCOLORMODE_RGB (libjpeg converts), as Pillow;
   - refused (CNNSPOT_ERR_UNSUPPORTED, naming what): separate planes, other photometrics
     (Lab, YCbCr without JPEG, 16-bit CMYK), old-style JPEG, signed / float samples, other depths.
   TIFFReadRGBAImage is not used: it would honour the Orientation tag its own way (flips only),
   premultiply/composite alpha and convert YCbCr/CMYK with its own rounding, none of which is
   Pillow's result; raw samples plus Pillow's own unpack/convert rules give Pillow's bytes.
   YCbCr JPEG is tested with 1x1 subsampling only (what Pillow writes); other subsamplings go
   through the same libtiff/libjpeg upsampling Pillow uses.
   libtiff reports errors through the handlers given to TIFFClientOpenExt (never the global
   ones, which print to stderr): the first error is kept as the message. No longjmp. */
#include <stdlib.h>
#include <tiffio.h>
#include "shim_common.h"

typedef struct {
    const uint8_t *data;
    size_t size;
    uint64_t pos;
    char error[CNNSPOT_MSG_CAP];
} tiff_source;

static tmsize_t src_read(thandle_t h, void *buf, tmsize_t n) {
    tiff_source *s = (tiff_source *)h;
    if (n <= 0 || s->pos >= s->size) return 0;
    uint64_t left = s->size - s->pos;
    uint64_t take = (uint64_t)n < left ? (uint64_t)n : left;
    memcpy(buf, s->data + s->pos, (size_t)take);
    s->pos += take;
    return (tmsize_t)take;
}
static tmsize_t src_write(thandle_t h, void *buf, tmsize_t n) { (void)h; (void)buf; (void)n; return -1; }
static toff_t src_seek(thandle_t h, toff_t off, int whence) {
    tiff_source *s = (tiff_source *)h;
    uint64_t base = whence == SEEK_CUR ? s->pos : whence == SEEK_END ? s->size : 0;
    if (off > UINT64_MAX - base) return (toff_t)-1;
    s->pos = base + off;   /* past the end is allowed; reads there return 0 bytes */
    return s->pos;
}
static int src_close(thandle_t h) { (void)h; return 0; }
static toff_t src_size(thandle_t h) { return ((tiff_source *)h)->size; }
static int src_map(thandle_t h, void **base, toff_t *size) { (void)h; (void)base; (void)size; return 0; }
static void src_unmap(thandle_t h, void *base, toff_t size) { (void)h; (void)base; (void)size; }

static int on_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    tiff_source *s = (tiff_source *)user;
    if (s && !s->error[0]) {
        char text[CNNSPOT_MSG_CAP];
        vsnprintf(text, sizeof text, fmt, ap);
        if (module && *module) snprintf(s->error, sizeof s->error, "%s: %s", module, text);
        else snprintf(s->error, sizeof s->error, "%s", text);
    }
    return 1; /* handled: libtiff's global handlers (stderr) are not called */
}
static int on_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)user; (void)module; (void)fmt; (void)ap;
    return 1; /* ignored, as Pillow sets no warning handler */
}

/* Largest single allocation libtiff may make for one file. */
#define TIFF_MAX_ALLOC ((tmsize_t)1 << 30)

static TIFF *tiff_open(const uint8_t *data, size_t size, tiff_source *src, char *msg, int *status) {
    memset(src, 0, sizeof *src);
    src->data = data; src->size = size;
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (!opts) { *status = cnnspot_fail(msg, CNNSPOT_ERR_MEMORY, "out of memory"); return NULL; }
    TIFFOpenOptionsSetErrorHandlerExtR(opts, on_error, src);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, on_warning, src);
    TIFFOpenOptionsSetMaxSingleMemAlloc(opts, TIFF_MAX_ALLOC);
    /* "m": no memory mapping (we have none); "h": read the header only lazily is not wanted. */
    TIFF *tif = TIFFClientOpenExt("tiff", "rm", (thandle_t)src, src_read, src_write, src_seek, src_close,
                                  src_size, src_map, src_unmap, opts);
    TIFFOpenOptionsFree(opts);
    if (!tif) {
        *status = cnnspot_fail(msg, CNNSPOT_ERR_CORRUPT, "TIFF directory: %s",
                               src->error[0] ? src->error : "unreadable");
    }
    return tif;
}

/* What the first directory holds and how it maps to RGB. */
typedef struct {
    uint32_t width, height;
    uint16_t bits, spp, photometric, compression, planar, orientation, sample_format;
    uint16_t extra_count, first_extra;
    int tiled;
    uint32_t rows_per_strip, tile_w, tile_h;
    uint16_t *cmap[3];
    const char *mode;
} tiff_layout;

static int layout(TIFF *tif, tiff_layout *L, char *msg) {
    memset(L, 0, sizeof *L);
    if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &L->width) || !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &L->height))
        return cnnspot_fail(msg, CNNSPOT_ERR_CORRUPT, "TIFF without image width or length");
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &L->bits);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &L->spp);
    TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &L->compression);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &L->planar);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &L->sample_format);
    if (!TIFFGetField(tif, TIFFTAG_ORIENTATION, &L->orientation)) L->orientation = 0;
    if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &L->photometric)) L->photometric = PHOTOMETRIC_MINISWHITE; /* Pillow's default 0 */
    uint16_t *extras = NULL;
    if (TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, &L->extra_count, &extras) && L->extra_count > 0 && extras)
        L->first_extra = extras[0];
    for (uint16_t i = 1; extras && i < L->extra_count; i++)
        if (extras[i] != EXTRASAMPLE_UNSPECIFIED)
            return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "TIFF with %u extra samples of kinds other than unspecified", L->extra_count);
    L->tiled = TIFFIsTiled(tif);
    if (L->tiled) {
        TIFFGetField(tif, TIFFTAG_TILEWIDTH, &L->tile_w);
        TIFFGetField(tif, TIFFTAG_TILELENGTH, &L->tile_h);
        if (L->tile_w == 0 || L->tile_h == 0) return cnnspot_fail(msg, CNNSPOT_ERR_CORRUPT, "TIFF tile of %ux%u", L->tile_w, L->tile_h);
    } else {
        TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &L->rows_per_strip);
        if (L->rows_per_strip == 0 || L->rows_per_strip > L->height) L->rows_per_strip = L->height;
    }
    if (L->compression == COMPRESSION_OJPEG)
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "old-style JPEG (compression 6) TIFF");
    if (!TIFFIsCODECConfigured(L->compression))
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "TIFF compression %u not available in libtiff", L->compression);
    if (L->planar != PLANARCONFIG_CONTIG && L->spp > 1)
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "TIFF with separate colour planes (PlanarConfiguration 2)");
    if (L->sample_format != SAMPLEFORMAT_UINT)
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "TIFF with %s samples",
                            L->sample_format == SAMPLEFORMAT_INT ? "signed" : L->sample_format == SAMPLEFORMAT_IEEEFP ? "floating-point" : "non-integer");
    uint16_t b = L->bits, n = L->spp, p = L->photometric;
    int low = b == 1 || b == 2 || b == 4 || b == 8;
    if ((p == PHOTOMETRIC_MINISBLACK || p == PHOTOMETRIC_MINISWHITE) && n == 1 && low) {
        L->mode = b == 1 ? "1" : "L";
    } else if ((p == PHOTOMETRIC_MINISBLACK || p == PHOTOMETRIC_MINISWHITE) && n == 1 && b == 16) {
        if (p == PHOTOMETRIC_MINISWHITE && TIFFIsBigEndian(tif))
            return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "16-bit big-endian MinIsWhite TIFF");
        L->mode = TIFFIsBigEndian(tif) ? "I;16B" : "I;16";
    } else if (p == PHOTOMETRIC_MINISBLACK && n == 2 && b == 8 && L->extra_count == 1 && L->first_extra != EXTRASAMPLE_ASSOCALPHA) {
        L->mode = L->first_extra == EXTRASAMPLE_UNASSALPHA ? "LA" : "L";
    } else if (p == PHOTOMETRIC_RGB && b == 8 && n >= 3 && n <= 6 && (n == 3 || L->extra_count == n - 3 || (n == 4 && L->extra_count == 0))) {
        L->mode = (n == 3 || (L->extra_count > 0 && L->first_extra == EXTRASAMPLE_UNSPECIFIED)) ? "RGB" : "RGBA";
    } else if (p == PHOTOMETRIC_RGB && b == 16 && (n == 3 || n == 4) && (L->extra_count == n - 3 || n == 4)
               && !(n == 4 && L->extra_count == 1 && L->first_extra == EXTRASAMPLE_ASSOCALPHA)) {
        L->mode = n == 3 || (L->extra_count == 1 && L->first_extra == EXTRASAMPLE_UNSPECIFIED) ? "RGB" : "RGBA";
    } else if (p == PHOTOMETRIC_SEPARATED && b == 8 && n >= 4 && n <= 6 && L->extra_count == n - 4
               && (L->extra_count == 0 || L->first_extra == EXTRASAMPLE_UNSPECIFIED)) {
        uint16_t inkset = INKSET_CMYK;
        TIFFGetFieldDefaulted(tif, TIFFTAG_INKSET, &inkset);
        if (inkset != INKSET_CMYK) return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "separated TIFF with InkSet %u (not CMYK)", inkset);
        L->mode = "CMYK";
    } else if (p == PHOTOMETRIC_PALETTE && n == 1 && low) {
        if (!TIFFGetField(tif, TIFFTAG_COLORMAP, &L->cmap[0], &L->cmap[1], &L->cmap[2]) || !L->cmap[0])
            return cnnspot_fail(msg, CNNSPOT_ERR_CORRUPT, "palette TIFF without a colour map");
        L->mode = "P";
    } else if (p == PHOTOMETRIC_YCBCR && L->compression == COMPRESSION_JPEG && n == 3 && b == 8) {
        L->mode = "RGB";
    } else if (p == PHOTOMETRIC_YCBCR && L->compression != COMPRESSION_JPEG) {
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "YCbCr TIFF without JPEG compression (compression %u)", L->compression);
    } else {
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "TIFF photometric %u with %u samples of %u bits", p, n, b);
    }
    return CNNSPOT_OK;
}

int cnnspot_tiff_read_info(const uint8_t *data, size_t size, cnnspot_tiff_info *info, char *msg) {
    tiff_source src;
    int status = CNNSPOT_OK;
    TIFF *tif = tiff_open(data, size, &src, msg, &status);
    if (!tif) return status;
    tiff_layout L;
    status = layout(tif, &L, msg);
    if (status == CNNSPOT_OK) {
        if (L.width > INT32_MAX || L.height > INT32_MAX) {
            status = cnnspot_fail(msg, CNNSPOT_ERR_LIMIT, "TIFF of %ux%u", L.width, L.height);
        } else {
            info->width = (int32_t)L.width; info->height = (int32_t)L.height;
            info->bits_per_sample = L.bits; info->samples_per_pixel = L.spp;
            info->photometric = L.photometric; info->compression = L.compression;
            info->tiled = L.tiled; info->orientation = L.orientation;
            snprintf(info->mode, sizeof info->mode, "%s", L.mode);
        }
    }
    TIFFClose(tif);
    return status;
}

/* One stored row of `n` pixels (libtiff's decoded layout) to RGB. */
static void row_to_rgb(const tiff_layout *L, int big_endian_host, const uint8_t *s, uint8_t *d, uint32_t n) {
    uint16_t b = L->bits, spp = L->spp, p = L->photometric;
    if (p == PHOTOMETRIC_MINISBLACK || p == PHOTOMETRIC_MINISWHITE || p == PHOTOMETRIC_PALETTE) {
        if (b == 16) { /* native order after libtiff */
            for (uint32_t x = 0; x < n; x++) {
                uint16_t v;
                memcpy(&v, s + 2 * x, 2);
                uint8_t g = v > 255 ? 255 : (uint8_t)v;
                d[3 * x] = d[3 * x + 1] = d[3 * x + 2] = g;
            }
            return;
        }
        uint32_t maxv = (1u << b) - 1;
        for (uint32_t x = 0; x < n; x++) {
            uint32_t v;
            if (b == 8) v = s[x * spp];
            else {
                uint32_t bit = x * b;
                v = (s[bit >> 3] >> (8 - b - (bit & 7))) & maxv;
            }
            if (p == PHOTOMETRIC_PALETTE) {
                d[3 * x] = (uint8_t)(L->cmap[0][v] >> 8);
                d[3 * x + 1] = (uint8_t)(L->cmap[1][v] >> 8);
                d[3 * x + 2] = (uint8_t)(L->cmap[2][v] >> 8);
                continue;
            }
            uint8_t g = (uint8_t)(v * 255 / maxv);
            if (p == PHOTOMETRIC_MINISWHITE) g = (uint8_t)(255 - g);
            d[3 * x] = d[3 * x + 1] = d[3 * x + 2] = g;
        }
        return;
    }
    if (p == PHOTOMETRIC_SEPARATED) { /* Pillow's cmyk2rgb: nk = 255 - K, R = nk - muldiv255(C, nk) */
        for (uint32_t x = 0; x < n; x++) {
            const uint8_t *px = s + (size_t)x * spp;
            int nk = 255 - px[3];
            for (int c = 0; c < 3; c++) {
                int t = px[c] * nk + 128;
                int v = nk - (((t >> 8) + t) >> 8);
                d[3 * x + c] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
        }
        return;
    }
    /* RGB (YCbCr arrives as RGB through JPEGCOLORMODE_RGB) */
    if (b == 16) {
        int hi = big_endian_host ? 0 : 1;
        for (uint32_t x = 0; x < n; x++)
            for (int c = 0; c < 3; c++) d[3 * x + c] = s[(x * spp + c) * 2 + hi];
        return;
    }
    int assoc = spp >= 4 && L->extra_count > 0 && L->first_extra == EXTRASAMPLE_ASSOCALPHA;
    for (uint32_t x = 0; x < n; x++) {
        const uint8_t *px = s + (size_t)x * spp;
        if (assoc && px[3] != 255) {
            uint32_t a = px[3];
            for (int c = 0; c < 3; c++) {
                uint32_t v = a ? px[c] * 255u / a : 0;
                d[3 * x + c] = (uint8_t)(v > 255 ? 255 : v);
            }
        } else {
            d[3 * x] = px[0]; d[3 * x + 1] = px[1]; d[3 * x + 2] = px[2];
        }
    }
}

int cnnspot_tiff_decode_rgb(const uint8_t *data, size_t size, uint8_t *out, size_t out_capacity, char *msg) {
    tiff_source src;
    int status = CNNSPOT_OK;
    TIFF *tif = tiff_open(data, size, &src, msg, &status);
    if (!tif) return status;
    tiff_layout L;
    uint8_t *buf = NULL;
    status = layout(tif, &L, msg);
    if (status != CNNSPOT_OK) goto done;
    uint32_t w = L.width, h = L.height;
    if (w == 0 || h == 0 || out_capacity / 3 / w != h || out_capacity % ((size_t)3 * w) != 0) {
        status = cnnspot_fail(msg, CNNSPOT_ERR_LIMIT, "output buffer of %zu bytes does not fit %ux%u RGB", out_capacity, w, h);
        goto done;
    }
    if (L.photometric == PHOTOMETRIC_YCBCR && !TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB)) {
        status = cnnspot_fail(msg, CNNSPOT_ERR_CORRUPT, "YCbCr JPEG TIFF: %s", src.error[0] ? src.error : "cannot convert to RGB");
        goto done;
    }
    uint16_t one = 1;
    int big_host = *(uint8_t *)&one == 0;
    /* The block (strip or tile) buffer, bounded by the output it fills (plus slack for edge
       tiles and small images), so a directory claiming giant tiles is refused before allocating. */
    uint64_t block = L.tiled ? TIFFTileSize64(tif) : TIFFStripSize64(tif);
    uint64_t row_bytes = L.tiled ? TIFFTileRowSize64(tif) : TIFFScanlineSize64(tif);
    uint64_t bound = (uint64_t)out_capacity * 4 + (16u << 20);
    uint32_t bw = L.tiled ? L.tile_w : w, bh = L.tiled ? L.tile_h : L.rows_per_strip;
    uint64_t needed_row = ((uint64_t)bw * L.bits * L.spp + 7) / 8;
    if (block == 0 || row_bytes == 0 || block > bound || row_bytes < needed_row || block < row_bytes * bh) {
        status = cnnspot_fail(msg, block > bound ? CNNSPOT_ERR_LIMIT : CNNSPOT_ERR_CORRUPT,
                              "TIFF %s of %llu bytes (rows of %llu) for a %ux%u image", L.tiled ? "tile" : "strip",
                              (unsigned long long)block, (unsigned long long)row_bytes, w, h);
        goto done;
    }
    buf = (uint8_t *)malloc((size_t)block);
    if (!buf) { status = cnnspot_fail(msg, CNNSPOT_ERR_MEMORY, "out of memory for a TIFF block of %llu bytes", (unsigned long long)block); goto done; }
    for (uint32_t y0 = 0; y0 < h; y0 += bh) {
        for (uint32_t x0 = 0; x0 < w; x0 += bw) {
            tmsize_t got;
            if (L.tiled) got = TIFFReadEncodedTile(tif, TIFFComputeTile(tif, x0, y0, 0, 0), buf, (tmsize_t)block);
            else got = TIFFReadEncodedStrip(tif, TIFFComputeStrip(tif, y0, 0), buf, (tmsize_t)block);
            uint32_t rows = h - y0 < bh ? h - y0 : bh, cols = w - x0 < bw ? w - x0 : bw;
            if (got < 0 || (uint64_t)got < row_bytes * (L.tiled ? bh : rows)) {
                int truncated = got >= 0 || strstr(src.error, "Read error") != NULL;
                status = cnnspot_fail(msg, truncated ? CNNSPOT_ERR_TRUNCATED : CNNSPOT_ERR_CORRUPT,
                                      "TIFF %s at (%u, %u): %s", L.tiled ? "tile" : "strip", x0, y0,
                                      src.error[0] ? src.error : "short data");
                goto done;
            }
            for (uint32_t r = 0; r < rows; r++)
                row_to_rgb(&L, big_host, buf + r * row_bytes, out + ((size_t)(y0 + r) * w + x0) * 3, cols);
            if (!L.tiled) break;
        }
    }
done:
    free(buf);
    TIFFClose(tif);
    return status;
}
