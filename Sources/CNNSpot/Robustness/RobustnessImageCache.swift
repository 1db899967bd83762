import Foundation

/// Decoded images of one set, kept so a sweep decodes each file once and reuses it at every
/// perturbation level. Thread-safe (the runner loads on worker threads). Decode errors are
/// kept too, so a broken file is reported at every level without being read again. Pixels past
/// `limitBytes` are not kept: those files are decoded again when asked for.
final class RobustnessImageCache {
    struct Entry {
        var image: RGBImage
        var format: String
    }

    let limitBytes: Int
    let options: DecodeOptions
    private var entries: [String: Result<Entry, Error>] = [:]
    private var bytes = 0
    private let lock = NSLock()
    /// Files read from disk so far (for the tests and the run log).
    private(set) var decodeCount = 0

    init(limitBytes: Int, options: DecodeOptions) {
        self.limitBytes = max(0, limitBytes)
        self.options = options
    }

    /// Bytes of pixels held.
    var heldBytes: Int { lock.lock(); defer { lock.unlock() }; return bytes }

    func entry(_ path: String) throws -> Entry {
        lock.lock()
        if let hit = entries[path] { lock.unlock(); return try hit.get() }
        decodeCount += 1
        lock.unlock()
        let result = Result { () throws -> Entry in
            let d = try ImageDecoder.decode(path: path, options: options)
            return Entry(image: d.image, format: d.format.rawValue)
        }
        lock.lock()
        switch result {
        case .success(let e):
            if bytes + e.image.pixels.count <= limitBytes {
                entries[path] = result
                bytes += e.image.pixels.count
            }
        case .failure:
            entries[path] = result
        }
        lock.unlock()
        return try result.get()
    }
}
