import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system queries shared by input enumeration and dataset discovery. Symbolic links are
/// followed, but every directory is visited once (by its resolved path), so link loops end.
struct FileTree {
    enum Kind { case file, directory, brokenLink, missing }

    var extensions: Set<String>
    var maxDepth: Int
    var maxFiles: Int

    static func kind(_ path: String) -> Kind {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            return isDir.boolValue ? .directory : .file
        }
        // fileExists follows links: a link whose target is missing (or loops) lands here.
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil { return .brokenLink }
        return .missing
    }

    /// The canonical absolute path (`realpath(3)`): links and `..` resolved; nil on failure
    /// (e.g. `ELOOP`).
    static func resolved(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        return buffer.withUnsafeMutableBufferPointer { b -> String? in
            guard let base = b.baseAddress, realpath(path, base) != nil else { return nil }
            return String(cString: base)
        }
    }

    /// Visible (not dot-prefixed) entries of a directory, sorted by UTF-8 bytes (= code points).
    static func children(_ dir: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted(by: FileTree.byteOrder)
    }

    static func byteOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    static func join(_ dir: String, _ name: String) -> String {
        if dir.isEmpty || dir == "." { return name }
        return dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    func isImage(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        return extensions.contains(ext)
    }

    /// Image files below `dir` (recursive, hidden entries skipped), sorted by path, and problems
    /// found on the way (broken links, limits). Paths are `dir` joined with relative paths.
    func images(under dir: String) -> (files: [String], problems: [String]) {
        var files: [String] = [], problems: [String] = []
        var visited = Set<String>()
        func walk(_ d: String, depth: Int) {
            guard files.count <= maxFiles else { return }
            guard depth <= maxDepth else {
                problems.append("\(d): deeper than \(maxDepth) folders, not searched"); return
            }
            guard let real = FileTree.resolved(d), visited.insert(real).inserted else { return }
            for name in FileTree.children(d) {
                let p = FileTree.join(d, name)
                switch FileTree.kind(p) {
                case .directory: walk(p, depth: depth + 1)
                case .file:
                    guard isImage(p) else { continue }
                    files.append(p)
                    // One image past the limit is collected to know that the limit was hit.
                    if files.count > maxFiles { return }
                case .brokenLink:
                    if isImage(p) { problems.append("\(p): broken symbolic link") }
                case .missing: continue
                }
            }
        }
        walk(dir, depth: 0)
        if files.count > maxFiles {
            files.removeLast()
            problems.append("\(dir): more than \(maxFiles) images, the rest is ignored")
        }
        return (files.sorted(by: FileTree.byteOrder), problems)
    }
}
