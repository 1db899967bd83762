/// Which library's JPEG settings a round trip imitates (CNNDetection's `jpg_method`).
public enum JPEGMethod: String, Sendable, CaseIterable {
    /// `Image.fromarray(a).save(buf, format='jpeg', quality=q)`, then `np.array(Image.open(buf))`.
    case pil
    /// `cv2.imencode('.jpg', a[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, q])`, then
    /// `cv2.imdecode(enc, 1)[:, :, ::-1]`.
    case cv2
}

/// Encodes `image` as JPEG at `quality` and decodes it again, as CNNDetection's data
/// augmentation does (`pil_jpg` / `cv2_jpg` in `data/datasets.py`).
///
/// Both methods end in the same libjpeg calls: Pillow 13 and OpenCV 5 each run
/// `jpeg_set_defaults` + `jpeg_set_quality(q, TRUE)` on RGB input (OpenCV converts its BGR to
/// RGB, or hands libjpeg-turbo JCS_EXT_BGR, which is the same conversion) and decode with the
/// default islow DCT and fancy upsampling. Their encoded bytes are identical to each other
/// and to ours (verified in CodecJPEGRoundTripTests), so the two cases share one path; the
/// enum stays so callers state which reference they follow.
public func jpegRoundTrip(_ image: RGBImage, quality: Int, method: JPEGMethod) throws -> RGBImage {
    let bytes = try ImageEncoder.jpeg(image, quality: quality)
    let decoded = try ImageDecoder.decode(data: bytes, name: "<jpeg round trip q=\(quality) \(method.rawValue)>")
    return decoded.image
}
