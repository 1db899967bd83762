import Foundation

/// What a result was computed from, so it can be reproduced: written beside every eval,
/// robustness and training output as `manifest.json`.
public struct RunManifest: Codable, Sendable {
    public var tool = "cnnspot"
    public var version = CNNSpotVersion.string
    public var commandLine: [String]
    public var startedAt: String
    public var model: ModelInfo?
    public var datasets: [DatasetInfo] = []
    /// Preprocessing and run settings (crop, threshold, batch, seed, perturbations...).
    public var settings: [String: String] = [:]
    public var oneDNN = DNNLVersion.string

    public struct ModelInfo: Codable, Sendable {
        public var path: String
        public var sha256: String
        public var architecture: String
    }

    /// A dataset's identity: file count and a checksum over its sorted relative paths and sizes
    /// (cheap: file contents are not read; a renamed, added, removed or resized file changes it).
    public struct DatasetInfo: Codable, Sendable {
        public var name: String
        public var root: String
        public var files: Int
        public var listingSHA256: String
    }

    public init(commandLine: [String] = CommandLine.arguments) {
        self.commandLine = commandLine
        let f = ISO8601DateFormatter()
        self.startedAt = f.string(from: Date())
    }

    public static func datasetInfo(name: String, root: String, files: [String]) -> DatasetInfo {
        var h = SHA256()
        let fm = FileManager.default
        for path in files.sorted() {
            let size = (try? fm.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? -1
            let rel = path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
            h.update(Array("\(rel)\t\(size)\n".utf8))
        }
        return DatasetInfo(name: name, root: root, files: files.count, listingSHA256: h.finalize())
    }

    /// SHA-256 of a file's bytes, read in 4 MiB pieces.
    public static func fileSHA256(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var h = SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { h.update($0) }
        }
        return h.finalize()
    }

    public func write(to url: URL) throws {
        let enc = JSONText.encoder(pretty: true)
        try enc.encode(self).write(to: url, options: .atomic)
    }
}
