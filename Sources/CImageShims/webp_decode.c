/* WebP decoding with libwebp (no longjmp involved; kept here so Swift never sees C types). */
#include <webp/decode.h>
#include "shim_common.h"

static const char *webp_status_text(VP8StatusCode s) {
    switch (s) {
    case VP8_STATUS_OK: return "ok";
    case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
    case VP8_STATUS_INVALID_PARAM: return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR: return "bitstream error";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "unsupported feature";
    case VP8_STATUS_SUSPENDED: return "suspended";
    case VP8_STATUS_USER_ABORT: return "user abort";
    case VP8_STATUS_NOT_ENOUGH_DATA: return "not enough data (truncated)";
    default: return "unknown error";
    }
}

static int webp_status(VP8StatusCode s) {
    switch (s) {
    case VP8_STATUS_OK: return CNNSPOT_OK;
    case VP8_STATUS_OUT_OF_MEMORY: return CNNSPOT_ERR_MEMORY;
    case VP8_STATUS_NOT_ENOUGH_DATA: return CNNSPOT_ERR_TRUNCATED;
    case VP8_STATUS_UNSUPPORTED_FEATURE: return CNNSPOT_ERR_UNSUPPORTED;
    default: return CNNSPOT_ERR_CORRUPT;
    }
}

int cnnspot_webp_read_info(const uint8_t *data, size_t size, cnnspot_webp_info *info, char *msg) {
    if (size == 0) return cnnspot_fail(msg, CNNSPOT_ERR_TRUNCATED, "empty WebP data");
    WebPBitstreamFeatures f;
    VP8StatusCode s = WebPGetFeatures(data, size, &f);
    if (s != VP8_STATUS_OK) return cnnspot_fail(msg, webp_status(s), "WebP header: %s", webp_status_text(s));
    info->width = f.width;
    info->height = f.height;
    info->has_alpha = f.has_alpha;
    info->has_animation = f.has_animation;
    info->lossless = f.format == 2 ? 1 : (f.format == 1 ? 0 : -1);
    return CNNSPOT_OK;
}

int cnnspot_webp_decode_rgba(const uint8_t *data, size_t size, uint8_t *out, size_t out_capacity, char *msg) {
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config))
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "libwebp version mismatch");
    VP8StatusCode s = WebPGetFeatures(data, size, &config.input);
    if (s != VP8_STATUS_OK) return cnnspot_fail(msg, webp_status(s), "WebP header: %s", webp_status_text(s));
    if (config.input.has_animation)
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "animated WebP is not supported");
    size_t stride = (size_t)config.input.width * 4;
    if (stride == 0 || out_capacity != stride * (size_t)config.input.height)
        return cnnspot_fail(msg, CNNSPOT_ERR_LIMIT, "output buffer of %zu bytes does not fit %dx%d RGBA",
                            out_capacity, config.input.width, config.input.height);
    config.output.colorspace = MODE_RGBA;
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = out;
    config.output.u.RGBA.stride = (int)stride;
    config.output.u.RGBA.size = out_capacity;
    s = WebPDecode(data, size, &config);
    WebPFreeDecBuffer(&config.output);
    if (s != VP8_STATUS_OK) return cnnspot_fail(msg, webp_status(s), "WebP decode: %s", webp_status_text(s));
    return CNNSPOT_OK;
}
