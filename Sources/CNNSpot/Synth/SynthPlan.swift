import CNNSpotImage
import Foundation

/// What the scan found for one usable photo: where its patches are and which split it is in.
/// Holds no pixels (a photo is decoded again when its patches are cut).
struct SynthPhotoPlan: Sendable {
    var path: String
    var sha256: String
    var width: Int
    var height: Int
    var scale: Double
    var scaledWidth: Int
    var scaledHeight: Int
    var cells: [SynthCell]
    /// `source_q=95` (`~93` when the table is not exactly an IJG one) for a JPEG, "" otherwise.
    var jpegNote: String
    /// "train" or "val".
    var split = "train"

    /// File-name stem of the photo's patches: the photo's own name made safe, plus the first 8
    /// hex digits of its SHA-256 so two photos called `img.jpg` in different folders differ.
    var stem: String { SynthPhotoPlan.stem(path: path, sha256: sha256) }

    func patchName(_ cell: SynthCell) -> String { "\(stem)_c\(cell.index)" }

    static func stem(path: String, sha256: String) -> String {
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var safe = String(
            base.unicodeScalars.map { c -> Character in
                let ok = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_"
                return ok ? Character(c) : "_"
            })
        if safe.count > 60 { safe = String(safe.prefix(60)) }
        return (safe.isEmpty ? "photo" : safe) + "_" + sha256.prefix(8)
    }

    /// Cuts the photo's cells (and plans them): the MiniSynths v1 rule, on the source's block
    /// grid when `alignToJPEG` and the photo allows it.
    static func make(_ photo: SynthPhoto, options: SynthOptions) -> SynthPhotoPlan {
        let grid = options.jpegAlign ? photo.grid : nil
        let cells = SynthGrid.keptCells(
            photo.image, size: options.size, keep: options.perPhoto,
            minStd: options.minLuminanceStd,
            phase: grid?.phase ?? (0, 0), step: grid?.step ?? (1, 1))
        var note = ""
        if let q = photo.jpeg {
            let est = q.ijgQuality
            note = "source_q=\(est.exact ? "" : "~")\(est.quality);sampling=\(q.samplingName)"
        }
        return SynthPhotoPlan(
            path: photo.path, sha256: photo.sha256, width: photo.width, height: photo.height,
            scale: photo.scale, scaledWidth: photo.image.width, scaledHeight: photo.image.height,
            cells: cells, jpegNote: note)
    }
}

/// The train/val split, by photo: the `round(fraction * n)` photos (at least one when there
/// are two or more and the fraction is positive, never all) whose SHA-256 hashed with the seed
/// ranks lowest go to val. Depends on the set of photos and the seed only, not on their order.
enum SynthSplit {
    static func valCount(photos n: Int, fraction: Double) -> Int {
        guard n >= 2, fraction > 0 else { return 0 }
        return min(n - 1, max(1, Int((fraction * Double(n)).rounded())))
    }

    static func assign(_ plans: inout [SynthPhotoPlan], fraction: Double, seed: UInt64) {
        let k = valCount(photos: plans.count, fraction: fraction)
        let ranked = plans.indices.sorted { a, b in
            let ka = key(plans[a].sha256, seed), kb = key(plans[b].sha256, seed)
            return ka != kb ? ka < kb : plans[a].sha256 < plans[b].sha256
        }
        for i in plans.indices { plans[i].split = "train" }
        for i in ranked.prefix(k) { plans[i].split = "val" }
    }

    static func key(_ sha256: String, _ seed: UInt64) -> String {
        var h = SHA256()
        h.update(Array("split|\(seed)|\(sha256)".utf8))
        return h.finalize()
    }
}

/// The seed a family gets for one patch: from the run's seed, the family and the patch name, so
/// it does not depend on order, threads or which other photos are in the run.
enum SynthSeed {
    static func forFake(runSeed: UInt64, family: String, patch: String) -> UInt64 {
        var h = SHA256()
        h.update(Array("fake|\(runSeed)|\(family)|\(patch)".utf8))
        let hex = h.finalize()
        return UInt64(hex.prefix(16), radix: 16)!
    }
}
