import CImageShims

/// Runs a CImageShims call that reports a status and fills a message buffer; turns a failure
/// into an `ImageError` for `file`.
@inline(__always)
func shimCall(file: String, _ body: (UnsafeMutablePointer<CChar>) -> Int32) throws {
    var message = [CChar](repeating: 0, count: Int(CNNSPOT_MSG_CAP))
    let status = message.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    guard status != CNNSPOT_OK else { return }
    let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    throw ImageError(file: file, reason: shimReason(status), detail: text)
}

func shimReason(_ status: Int32) -> ImageError.Reason {
    switch Int(status) {
    case Int(CNNSPOT_ERR_TRUNCATED): return .truncated
    case Int(CNNSPOT_ERR_UNSUPPORTED): return .unsupported
    case Int(CNNSPOT_ERR_LIMIT), Int(CNNSPOT_ERR_MEMORY): return .resourceLimit
    default: return .corrupt
    }
}

/// Checks `width * height` against the limit before anything of that size is allocated.
func checkPixelLimit(width: Int, height: Int, limits: ImageLimits, file: String) throws {
    guard width > 0, height > 0 else {
        throw ImageError(file: file, reason: .corrupt, detail: "header declares \(width)x\(height)")
    }
    let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
    if overflow || pixels > limits.maxPixels {
        throw ImageError(
            file: file, reason: .tooManyPixels(width: width, height: height, limit: limits.maxPixels),
            detail: "")
    }
}
