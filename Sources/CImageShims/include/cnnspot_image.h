#ifndef CNNSPOT_IMAGE_SHIMS_H
#define CNNSPOT_IMAGE_SHIMS_H
#include <stddef.h>
#include <stdint.h>

/* C side of image coding.

   libjpeg and libpng report errors by longjmp, which Swift frames cannot survive: every
   decode/encode runs whole inside ONE C function here that owns the setjmp, installs its own
   error handlers (libjpeg's default error_exit calls exit()) and returns a status plus a
   NUL-terminated message in a caller-owned buffer of CNNSPOT_MSG_CAP bytes.

   Decoding is two calls: `*_info` parses the header only (cheap, allocates nothing sized by
   the image), so the caller can check the pixel limit before it allocates the output; then
   `*_decode` decodes into the caller's buffer, checking its capacity.

   Every function is reentrant: state lives in locals; safe from several threads at once. */

#define CNNSPOT_MSG_CAP 256

enum {
    CNNSPOT_OK = 0,
    CNNSPOT_ERR_CORRUPT = 1,     /* the library rejected the data */
    CNNSPOT_ERR_TRUNCATED = 2,   /* data ended before the last pixel row */
    CNNSPOT_ERR_UNSUPPORTED = 3, /* valid but not handled (12-bit JPEG, animated WebP, ...) */
    CNNSPOT_ERR_LIMIT = 4,       /* a resource limit was hit (scan count, buffer capacity) */
    CNNSPOT_ERR_MEMORY = 5       /* allocation failed */
};

/* ---- JPEG (jpeg_decode.c) ---- */
typedef struct {
    int32_t width, height;
    int32_t components;      /* components in the frame: 1, 3 or 4 (others are refused) */
    int32_t progressive;     /* 1 for SOF2/SOF6/SOF10/SOF14 */
    int32_t color_space;     /* libjpeg J_COLOR_SPACE of the file, as guessed from markers */
    int32_t saw_adobe;       /* APP14 Adobe marker present */
    int32_t adobe_transform; /* its transform byte (0 none, 1 YCbCr, 2 YCCK) */
} cnnspot_jpeg_info;

int cnnspot_jpeg_read_info(const uint8_t *data, size_t size, cnnspot_jpeg_info *info, char *msg);

/* Decodes with libjpeg's defaults (islow DCT, fancy upsampling, block smoothing), as Pillow.
   Output HWC: 1 component -> grey, 3 -> RGB, 4 -> CMYK exactly as stored (YCCK converted
   to CMYK by libjpeg, no inversion). `out_capacity` must be width*height*components.
   Premature end of data before the last row is an error; afterwards it is ignored (Pillow
   returns the image once every row is decoded). Other libjpeg warnings are ignored, as
   Pillow's decoder does. More than `max_scans` scans (progressive bombs) is an error. */
int cnnspot_jpeg_decode(const uint8_t *data, size_t size, int32_t max_scans,
                        uint8_t *out, size_t out_capacity, char *msg);

/* ---- JPEG (jpeg_encode.c) ---- */
/* Baseline JPEG of an 8-bit RGB image (HWC) with libjpeg's defaults as Pillow and OpenCV use
   them: jpeg_set_defaults (4:2:0, islow DCT, standard Huffman tables, JFIF 1.01 density 1:1),
   jpeg_set_quality(quality, force_baseline = TRUE). On success *out is malloc'ed (free with
   cnnspot_free) and *out_size set. */
int cnnspot_jpeg_encode_rgb(const uint8_t *rgb, int32_t width, int32_t height, int32_t quality,
                            uint8_t **out, size_t *out_size, char *msg);

/* ---- PNG (png_decode.c) ---- */
typedef struct {
    int32_t width, height;
    int32_t bit_depth;     /* 1, 2, 4, 8, 16 */
    int32_t color_type;    /* 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA */
    int32_t interlaced;    /* Adam7 */
    int32_t channels;      /* samples per pixel: 1, 3, 1, 2, 4 */
    int32_t palette_count; /* PLTE entries (0..256) */
    uint8_t palette[256 * 3];
    int32_t has_trns;
} cnnspot_png_info;

int cnnspot_png_read_info(const uint8_t *data, size_t size, cnnspot_png_info *info, char *msg);

/* Raw samples, de-interlaced, HWC, no colour transform. Bit depths below 8 are unpacked to one
   byte per sample without scaling (values 0..2^depth-1); 16-bit samples are two bytes,
   big-endian as in the file. `out_capacity` = width*height*channels*(depth==16 ? 2 : 1).
   Damage is judged as Pillow judges it: CRCs of the chunks before the first IDAT must match,
   IDAT and later CRCs are not checked, and the data may end anywhere after the last row's
   pixel data (zlib trailer, CRC, IEND missing); an earlier end is CNNSPOT_ERR_TRUNCATED. */
int cnnspot_png_decode_raw(const uint8_t *data, size_t size, uint8_t *out, size_t out_capacity,
                           char *msg);

/* ---- PNG (png_encode.c) ---- */
/* 8-bit RGB, non-interlaced, libpng's default compression. *out malloc'ed (cnnspot_free). */
int cnnspot_png_encode_rgb(const uint8_t *rgb, int32_t width, int32_t height,
                           uint8_t **out, size_t *out_size, char *msg);

/* ---- WebP (webp_decode.c) ---- */
typedef struct {
    int32_t width, height;
    int32_t has_alpha;
    int32_t has_animation;
    int32_t lossless; /* 1 lossless, 0 lossy, -1 mixed/undefined */
} cnnspot_webp_info;

int cnnspot_webp_read_info(const uint8_t *data, size_t size, cnnspot_webp_info *info, char *msg);

/* Non-premultiplied RGBA (as Pillow's WebP decoder asks libwebp for), HWC, 4 bytes/pixel. */
int cnnspot_webp_decode_rgba(const uint8_t *data, size_t size, uint8_t *out, size_t out_capacity,
                             char *msg);

/* First frame of an animated WebP through WebPAnimDecoder (webp_anim_decode.c): the canvas
   (info.width x info.height) as RGBA, 4 bytes/pixel. */
int cnnspot_webp_decode_first_frame_rgba(const uint8_t *data, size_t size, uint8_t *out, size_t out_capacity,
                                         char *msg);

/* ---- GIF, first frame (gif_decode.c) ---- */
typedef struct {
    int32_t width, height;   /* the canvas: logical screen grown to hold the first frame */
    int32_t has_palette;     /* 0: no colour table, Pillow's mode "L" */
    int32_t transparency;    /* the first frame's transparency index, or -1 */
} cnnspot_gif_info;

int cnnspot_gif_read_info(const uint8_t *data, size_t size, cnnspot_gif_info *info, char *msg);

/* The first frame on its canvas as RGB (Pillow's open().convert('RGB')), 3 bytes/pixel. */
int cnnspot_gif_decode_rgb(const uint8_t *data, size_t size, uint8_t *out, size_t out_capacity, char *msg);

/* ---- TIFF, first directory (tiff_decode.c) ---- */
typedef struct {
    int32_t width, height;        /* as stored, before the orientation tag */
    int32_t bits_per_sample, samples_per_pixel, photometric, compression, tiled;
    int32_t orientation;          /* the Orientation tag (1...8), 0 when absent */
    char mode[8];                 /* the Pillow mode it opens as: "1", "L", "LA", "P", "I;16", "I;16B", "RGB", "RGBA", "CMYK" */
} cnnspot_tiff_info;

/* Parses the first directory; refuses (CNNSPOT_ERR_UNSUPPORTED, naming what) layouts Pillow's
   rules are not implemented for here (see tiff_decode.c). */
int cnnspot_tiff_read_info(const uint8_t *data, size_t size, cnnspot_tiff_info *info, char *msg);

/* The first directory as RGB (Pillow's open().convert('RGB') before its orientation
   transpose), width*height*3 bytes in stored row order. */
int cnnspot_tiff_decode_rgb(const uint8_t *data, size_t size, uint8_t *out, size_t out_capacity, char *msg);

/* ---- Kernels with run-time CPU dispatch (simd_kernels.c) ----
   The binary stays x86-64 baseline; each kernel has a baseline path and AVX2 / AVX-512 paths
   compiled with target attributes, chosen by cpuid. Every path does the same float64
   operations in the same order per output value (vectorised across outputs only, multiply and
   add never fused), so all give identical bytes. */
enum { CNNSPOT_SIMD_BASELINE = 0, CNNSPOT_SIMD_AVX2 = 1, CNNSPOT_SIMD_AVX512 = 2 };

/* The highest path this CPU runs, capped by the environment variable CNNSPOT_SIMD
   ("baseline", "avx2", "avx512"; read at each call, so tests can force a path). */
int cnnspot_simd_level(void);

/* Gaussian blur taps (GaussianBlur.swift): for k in 0..<radius, in that order,
   acc[i] += (lo[k][i] + hi[k][i]) * w[k] over i in 0..<n. `level` is a CNNSPOT_SIMD_* value,
   normally cnnspot_simd_level() asked once per image (clamped to what the CPU has). */
void cnnspot_blur_taps(double *acc, size_t n, int radius, const double *w,
                       const double *const *lo, const double *const *hi, int level);

void cnnspot_free(void *p);

#endif
