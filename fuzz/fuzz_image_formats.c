/* libFuzzer harness for the GIF, WebP (still and animated) and TIFF shims (issue 13): the first
   input byte picks the decoder (odd: GIF; 2 mod 4: TIFF; 0 mod 4: WebP), the rest is the file. Header first, then a decode into a buffer of exactly the
   size the header declared, capped at 16 M pixels as the Swift side's pixel limit would.
   Build and run: see fuzz/README.md. */
#include <stdint.h>
#include <stdlib.h>
#include "cnnspot_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    char msg[CNNSPOT_MSG_CAP];
    const uint8_t *file = data + 1;
    size_t n = size - 1;
    if ((data[0] & 3) == 2) {
        cnnspot_tiff_info info;
        if (cnnspot_tiff_read_info(file, n, &info, msg) != CNNSPOT_OK) return 0;
        size_t pixels = (size_t)info.width * (size_t)info.height;
        if (info.width <= 0 || info.height <= 0 || pixels > (16u << 20)) return 0;
        uint8_t *out = malloc(pixels * 3);
        if (!out) return 0;
        cnnspot_tiff_decode_rgb(file, n, out, pixels * 3, msg);
        free(out);
    } else if (data[0] & 1) {
        cnnspot_gif_info info;
        if (cnnspot_gif_read_info(file, n, &info, msg) != CNNSPOT_OK) return 0;
        size_t pixels = (size_t)info.width * (size_t)info.height;
        if (info.width <= 0 || info.height <= 0 || pixels > (16u << 20)) return 0;
        uint8_t *out = malloc(pixels * 3);
        if (!out) return 0;
        cnnspot_gif_decode_rgb(file, n, out, pixels * 3, msg);
        free(out);
    } else {
        cnnspot_webp_info info;
        if (cnnspot_webp_read_info(file, n, &info, msg) != CNNSPOT_OK) return 0;
        size_t pixels = (size_t)info.width * (size_t)info.height;
        if (info.width <= 0 || info.height <= 0 || pixels > (16u << 20)) return 0;
        uint8_t *out = malloc(pixels * 4);
        if (!out) return 0;
        if (info.has_animation) cnnspot_webp_decode_first_frame_rgba(file, n, out, pixels * 4, msg);
        else cnnspot_webp_decode_rgba(file, n, out, pixels * 4, msg);
        free(out);
    }
    return 0;
}
