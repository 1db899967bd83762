import Foundation

/// Why an image could not be read or written, with the file (or the caller's name for an
/// in-memory buffer) it concerns. `description` reads "file: problem: detail".
public struct ImageError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    public enum Reason: Equatable, Sendable {
        /// Zero bytes.
        case empty
        /// The file is larger than `ImageLimits.maxFileBytes`.
        case fileTooLarge(bytes: Int, limit: Int)
        /// The header declares more pixels than `ImageLimits.maxPixels` (checked before any
        /// pixel buffer is allocated).
        case tooManyPixels(width: Int, height: Int, limit: Int)
        /// The data ends before the last pixel row (Pillow: "image file is truncated").
        case truncated
        /// The codec library rejected the data.
        case corrupt
        /// Valid but not handled here (12-bit JPEG, animated WebP, 2-component JPEG, ...).
        case unsupported
        /// Magic bytes of none of JPEG, PNG, WebP, GIF, TIFF.
        case unknownFormat
        /// The file could not be opened or read.
        case io
        /// A decoder resource limit was hit (progressive JPEG scan count, memory).
        case resourceLimit
        /// Bad argument to an encoder (quality out of range, empty image).
        case invalidArgument
    }

    public var file: String
    public var reason: Reason
    public var detail: String

    public init(file: String, reason: Reason, detail: String) {
        self.file = file
        self.reason = reason
        self.detail = detail
    }

    public var description: String {
        let what: String
        switch reason {
        case .empty: what = "empty file"
        case let .fileTooLarge(bytes, limit): what = "file of \(bytes) bytes exceeds the \(limit)-byte limit"
        case let .tooManyPixels(w, h, limit):
            what = "\(w)x\(h) = \(w * h) pixels exceeds the \(limit)-pixel limit (possible decompression bomb)"
        case .truncated: what = "truncated image"
        case .corrupt: what = "corrupt image"
        case .unsupported: what = "unsupported image"
        case .unknownFormat: what = "not a JPEG, PNG, WebP, GIF or TIFF image"
        case .io: what = "cannot read"
        case .resourceLimit: what = "resource limit exceeded"
        case .invalidArgument: what = "invalid argument"
        }
        let name = PathBytes.display(file)
        return detail.isEmpty ? "\(name): \(what)" : "\(name): \(what): \(detail)"
    }

    public var errorDescription: String? { description }
}
