import Foundation
#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Writes `bytes` to a new or truncated file; the problem in words, or nil.
private func writeWhole(_ path: String, _ bytes: [UInt8]) -> String? {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { return "cannot create: \(String(cString: strerror(errno)))" }
    var offset = 0
    let failure: String? = bytes.withUnsafeBytes { buf in
        while offset < buf.count {
            let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
            if n < 0 { if errno == EINTR { continue }; return "cannot write: \(String(cString: strerror(errno)))" }
            offset += n
        }
        return nil
    }
    if close(fd) != 0 && failure == nil { return "cannot close: \(String(cString: strerror(errno)))" }
    return failure
}

/// The output folder of a synth run: refuses to mix runs, writes files atomically and keeps the
/// journal that `--resume` reads.
///
/// Every file is written to a hidden temporary beside its final name (`.NAME.partial`) and
/// renamed into place, so a killed run leaves only whole files (hidden names are skipped by
/// every folder reader here). After a unit's two files (real and fake) are in place, their two
/// MANIFEST rows are appended to `.synth/journal.csv` in one write: a unit is complete exactly
/// when its rows are there. `MANIFEST.csv` is written at the end from the journal, sorted by
/// file, so a resumed run's manifest equals an uninterrupted one's.
final class SynthOutput {
    let root: URL
    private let lock = NSLock()
    private var journal: FileHandle?

    /// What synth writes (and `--force` removes); anything else in the folder is left alone.
    static let entries = ["train", "val", "generators", "MANIFEST.csv", "manifest.json", ".synth"]

    init(path: String) { root = URL(fileURLWithPath: path) }

    var manifestURL: URL { root.appendingPathComponent("manifest.json") }
    var journalURL: URL { root.appendingPathComponent(".synth/journal.csv") }

    /// Checks the folder against `controls` (refuse / start over / resume) and returns the rows
    /// of the units already complete (empty unless resuming).
    func open(recipe: SynthOptions, controls: SynthControls) throws -> [SynthManifestRow] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: root.path, isDirectory: &isDir) && !isDir.boolValue {
            throw SynthError.io(path: root.path, problem: "exists and is not a folder")
        }
        let existing = ((try? fm.contentsOfDirectory(atPath: root.path)) ?? [])
        var done: [SynthManifestRow] = []
        if !existing.isEmpty {
            if controls.resume {
                guard fm.fileExists(atPath: manifestURL.path) else {
                    throw SynthError.resumeMismatch(root.path, detail: "it holds no manifest.json from a synth run")
                }
                let before = try SynthRunManifest.read(from: manifestURL)
                if before.recipe != recipe {
                    throw SynthError.resumeMismatch(
                        root.path,
                        detail: "it was made with other options: "
                            + SynthOutput.differences(before.recipe, recipe))
                }
                done = readJournal()
            } else if controls.force {
                for name in SynthOutput.entries where existing.contains(name) {
                    do { try fm.removeItem(at: root.appendingPathComponent(name)) } catch {
                        throw SynthError.io(path: root.appendingPathComponent(name).path, problem: "cannot remove: \(error.localizedDescription)")
                    }
                }
            } else {
                throw SynthError.outputNotEmpty(root.path)
            }
        }
        try makeFolder(root.appendingPathComponent(".synth"))
        if !fm.fileExists(atPath: journalURL.path) { _ = fm.createFile(atPath: journalURL.path, contents: nil) }
        // A run killed mid-append may have left a partial last line: cut it before appending.
        let complete = SynthOutput.completePrefixLength(journalURL)
        guard let h = FileHandle(forUpdatingAtPath: journalURL.path) else {
            throw SynthError.io(path: journalURL.path, problem: "cannot open for writing")
        }
        do {
            try h.truncate(atOffset: UInt64(complete))
            try h.seekToEnd()
        } catch { throw SynthError.io(path: journalURL.path, problem: "\(error.localizedDescription)") }
        journal = h
        return done
    }

    /// The recipe fields that differ, for the resume error.
    static func differences(_ a: SynthOptions, _ b: SynthOptions) -> String {
        let ja = (try? JSONSerialization.jsonObject(with: JSONText.encoder().encode(a))) as? [String: Any] ?? [:]
        let jb = (try? JSONSerialization.jsonObject(with: JSONText.encoder().encode(b))) as? [String: Any] ?? [:]
        let keys = Set(ja.keys).union(jb.keys).sorted().filter { "\(ja[$0] ?? "-")" != "\(jb[$0] ?? "-")" }
        return keys.map { "\($0) was \(ja[$0] ?? "-"), now \(jb[$0] ?? "-")" }.joined(separator: "; ")
    }

    /// Bytes of the journal up to and including its last newline.
    static func completePrefixLength(_ url: URL) -> Int {
        guard let data = FileManager.default.contents(atPath: url.path) else { return 0 }
        guard let last = data.lastIndex(of: UInt8(ascii: "\n")) else { return 0 }
        return last - data.startIndex + 1
    }

    func readJournal() -> [SynthManifestRow] {
        guard let data = FileManager.default.contents(atPath: journalURL.path) else { return [] }
        return SynthManifestRow.parse(String(decoding: data, as: UTF8.self)).compactMap(SynthManifestRow.init(fields:))
    }

    func makeFolder(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw SynthError.io(path: url.path, problem: "cannot create folder: \(error.localizedDescription)")
        }
    }

    /// Writes `bytes` at `relative` (under the root) via a hidden temporary and a rename.
    func write(_ bytes: [UInt8], to relative: String) throws {
        let url = root.appendingPathComponent(relative)
        try makeFolder(url.deletingLastPathComponent())
        try SynthOutput.atomicWrite(bytes, to: url)
    }

    /// `bytes` into `url` through `.NAME.partial` beside it and a rename. Plain open/write/close:
    /// FileManager's atomic writes go through temporaries of their own, which a kill would leave
    /// behind under names a resumed run does not know.
    static func atomicWrite(_ bytes: [UInt8], to url: URL) throws {
        let temp = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".partial")
        if let problem = writeWhole(temp.path, bytes) { throw SynthError.io(path: temp.path, problem: problem) }
        guard rename(temp.path, url.path) == 0 else {
            throw SynthError.io(path: url.path, problem: "cannot rename into place: \(String(cString: strerror(errno)))")
        }
    }

    /// Appends one unit's rows to the journal in a single write.
    func record(_ rows: [SynthManifestRow]) throws {
        let text = rows.map(\.csvLine).joined()
        lock.lock()
        defer { lock.unlock() }
        do { try journal?.write(contentsOf: Data(text.utf8)) } catch {
            throw SynthError.io(path: journalURL.path, problem: "cannot append: \(error.localizedDescription)")
        }
    }

    /// `MANIFEST.csv`: a header and every journal row (the last one per file wins), sorted by file.
    func writeManifestCSV() throws -> [SynthManifestRow] {
        try? journal?.synchronize()
        var byFile: [String: SynthManifestRow] = [:]
        for r in readJournal() { byFile[r.file] = r }
        let rows = byFile.values.sorted { $0.file.utf8.lexicographicallyPrecedes($1.file.utf8) }
        let text = SynthManifestRow.columns.joined(separator: ",") + "\n" + rows.map(\.csvLine).joined()
        try write(Array(text.utf8), to: "MANIFEST.csv")
        return rows
    }

    func close() { try? journal?.close(); journal = nil }
}
