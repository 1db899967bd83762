import Foundation

/// One image as uploaded: its bytes and the name it is answered under (the multipart
/// `filename`, else `image` / `file-N`). Names are labels only, never paths.
struct Upload: Sendable {
    var name: String
    var bytes: [UInt8]
    /// The part's or body's declared Content-Type (informational: the format is sniffed).
    var contentType: String?
}
