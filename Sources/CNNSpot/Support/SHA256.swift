import Crypto

/// SHA-256 as lowercase hex, for manifests (model and dataset checksums), shard fingerprints
/// and upload hashes: swift-crypto's (BoringSSL on Linux), about 7x our former Swift code
/// (ARCHITECTURE.md, "Dependencies we chose not to write"). Streaming, so a 100 MB checkpoint
/// need not be held twice.
public struct SHA256 {
    private var hasher = Crypto.SHA256()

    public init() {}

    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        let array = Array(bytes)
        array.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    /// The digest as 64 lowercase hex characters.
    public mutating func finalize() -> String {
        Self.hexString(hasher.finalize())
    }

    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        hexString(Crypto.SHA256.hash(data: Array(bytes)))
    }

    private static func hexString(_ digest: Crypto.SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
