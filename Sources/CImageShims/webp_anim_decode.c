/* Animated WebP, first frame, with libwebp's demux/animation decoder: the frame composited on
   the canvas exactly as WebPAnimDecoder does (Pillow 13 opens every WebP through it), RGBA,
   non-premultiplied; the caller drops alpha as convert('RGB') does. */
#include <webp/demux.h>
#include "shim_common.h"

int cnnspot_webp_decode_first_frame_rgba(const uint8_t *data, size_t size, uint8_t *out, size_t out_capacity,
                                         char *msg) {
    WebPAnimDecoderOptions options;
    if (!WebPAnimDecoderOptionsInit(&options))
        return cnnspot_fail(msg, CNNSPOT_ERR_UNSUPPORTED, "libwebpdemux version mismatch");
    options.color_mode = MODE_RGBA;
    options.use_threads = 0;
    WebPData input = {data, size};
    WebPAnimDecoder *dec = WebPAnimDecoderNew(&input, &options);
    if (!dec) return cnnspot_fail(msg, CNNSPOT_ERR_CORRUPT, "animated WebP: cannot parse the container");
    WebPAnimInfo info;
    if (!WebPAnimDecoderGetInfo(dec, &info)) {
        WebPAnimDecoderDelete(dec);
        return cnnspot_fail(msg, CNNSPOT_ERR_CORRUPT, "animated WebP: no animation info");
    }
    if (out_capacity != (size_t)info.canvas_width * (size_t)info.canvas_height * 4) {
        WebPAnimDecoderDelete(dec);
        return cnnspot_fail(msg, CNNSPOT_ERR_LIMIT, "output buffer of %zu bytes does not fit %ux%u RGBA",
                            out_capacity, info.canvas_width, info.canvas_height);
    }
    uint8_t *frame = NULL;
    int timestamp = 0;
    if (!WebPAnimDecoderHasMoreFrames(dec) || !WebPAnimDecoderGetNext(dec, &frame, &timestamp) || !frame) {
        WebPAnimDecoderDelete(dec);
        return cnnspot_fail(msg, CNNSPOT_ERR_CORRUPT, "animated WebP: the first frame does not decode");
    }
    memcpy(out, frame, out_capacity);
    WebPAnimDecoderDelete(dec);
    return CNNSPOT_OK;
}
