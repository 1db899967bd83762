import CNNSpotImage
import Foundation

/// A source photo made ready for cutting: decoded with its EXIF orientation applied, scaled by
/// the MiniSynths v1 rule, with what its JPEG block grid looks like in the scaled image.
struct SynthPhoto {
    var path: String
    var sha256: String
    /// Size after the EXIF orientation, before scaling.
    var width: Int
    var height: Int
    /// 1.0, or 0.5 when the shorter side was at least `downscaleShorterSide`.
    var scale: Double
    /// The scaled photo the cells are cut from.
    var image: RGBImage
    /// The source's quantisation when it is a JPEG (nil for PNG and WebP, and for JPEGs libjpeg
    /// reads no tables from, e.g. 4-component ones).
    var jpeg: JPEGQuantization?

    /// Block-grid phase and MCU size in the oriented image, when patches can sit on the
    /// source's grid (a JPEG kept at scale 1).
    var grid: (phase: (x: Int, y: Int), step: (x: Int, y: Int))? {
        guard let q = jpeg, scale == 1 else { return nil }
        return SynthJPEGGrid.phase(
            orientation: orientation, storedWidth: q.width, storedHeight: q.height,
            mcuWidth: q.mcuWidth, mcuHeight: q.mcuHeight)
    }
    var orientation: Int

    /// The quantisation a patch of the oriented photo is re-encoded with: the source's, transposed
    /// for the transposing orientations 5-8 (see `JPEGQuantization.transposed`).
    var reencodeQuantization: JPEGQuantization? {
        guard let q = jpeg else { return nil }
        return (5...8).contains(orientation) ? q.transposed() : q
    }

    /// Reads, hashes and decodes `path` within the recipe's limits.
    static func load(_ path: String, options: SynthOptions) throws -> SynthPhoto {
        let bytes = try readBounded(path, limit: options.maxFileBytes)
        var h = SHA256()
        h.update(bytes)
        let decoded = try ImageDecoder.decode(data: bytes, name: path, options: options.decodeOptions)
        var jpeg: JPEGQuantization? = nil
        if decoded.format == .jpeg, decoded.sourceMode != "CMYK" {
            jpeg = try JPEGQuantization.read(data: bytes, name: path)
        }
        let w = decoded.image.width, hgt = decoded.image.height
        var image = decoded.image
        var scale = 1.0
        if min(w, hgt) >= options.downscaleShorterSide {
            // MiniSynths v1: Image.resize((w // 2, h // 2), LANCZOS).
            image = try resize(image, width: w / 2, height: hgt / 2, interpolation: .lanczos)
            scale = 0.5
        }
        return SynthPhoto(
            path: path, sha256: h.finalize(), width: w, height: hgt, scale: scale, image: image,
            jpeg: jpeg, orientation: decoded.exifOrientation ?? 1)
    }

    /// At most `limit` bytes of a file; a larger one is refused before it is read whole.
    static func readBounded(_ path: String, limit: Int) throws -> [UInt8] {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limit {
            throw SynthError.io(path: path, problem: "file is \(size) bytes, limit \(limit) (--max-file-bytes)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SynthError.io(path: path, problem: FileManager.default.fileExists(atPath: path) ? "cannot open for reading" : "no such file")
        }
        defer { try? handle.close() }
        let data: Data?
        do { data = try handle.read(upToCount: limit &+ 1) } catch {
            throw SynthError.io(path: path, problem: "cannot read: \(error.localizedDescription)")
        }
        let bytes = data.map { [UInt8]($0) } ?? []
        if bytes.count > limit { throw SynthError.io(path: path, problem: "file is over \(limit) bytes (--max-file-bytes)") }
        if bytes.isEmpty { throw SynthError.io(path: path, problem: "empty file") }
        return bytes
    }
}
