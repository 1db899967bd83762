import CNNSpotImage
import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File-system queries shared by input enumeration and dataset discovery. Symbolic links are
/// followed, but every directory is visited once (by its resolved path), so link loops end.
/// Names are bytes (`PathBytes`): a name that is not UTF-8 is found, listed and opened like any
/// other. Only regular files count as files; FIFOs, devices and sockets are reported, never opened.
struct FileTree {
    var extensions: Set<String>
    var maxDepth: Int
    var maxFiles: Int

    static func kind(_ path: String) -> FileKind { FileKind.of(path) }

    static func isFile(_ path: String) -> Bool {
        if case .regular = FileKind.of(path) { return true }
        return false
    }

    /// The canonical absolute path (`realpath(3)`): links and `..` resolved; nil on failure
    /// (e.g. `ELOOP`).
    static func resolved(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        return buffer.withUnsafeMutableBufferPointer { b -> String? in
            guard let base = b.baseAddress, PathBytes.withCPath(path, { realpath($0, base) }) != nil else { return nil }
            return PathBytes.string(cString: base)
        }
    }

    /// Entries of a directory (without `.` and `..`), sorted by bytes, or the reason it
    /// cannot be listed (`opendir`/`readdir` error text, e.g. "Permission denied").
    static func list(_ dir: String, includeHidden: Bool = false) -> Result<[String], FolderError> {
        guard let d = PathBytes.withCPath(dir, { opendir($0) }) else {
            return .failure(FolderError(reason: String(cString: strerror(errno))))
        }
        defer { closedir(d) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(d) else {
                if errno != 0 { return .failure(FolderError(reason: String(cString: strerror(errno)))) }
                break
            }
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { PathBytes.string(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            if !includeHidden && name.hasPrefix(".") { continue }
            names.append(name)
        }
        return .success(names.sorted(by: FileTree.byteOrder))
    }

    struct FolderError: Error { var reason: String }

    /// Visible (not dot-prefixed) entries of a directory, sorted by bytes; empty when it cannot
    /// be listed (callers that must report that use `list`).
    static func children(_ dir: String) -> [String] {
        (try? list(dir).get()) ?? []
    }

    /// Byte order of the system names (for UTF-8 names, code-point order).
    static func byteOrder(_ a: String, _ b: String) -> Bool {
        PathBytes.bytes(a).lexicographicallyPrecedes(PathBytes.bytes(b))
    }

    static func join(_ dir: String, _ name: String) -> String {
        if dir.isEmpty || dir == "." { return name }
        return dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    static func pathExtension(_ path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...]).lowercased()
    }

    func isImage(_ path: String) -> Bool { extensions.contains(FileTree.pathExtension(path)) }

    /// What a folder scan found.
    struct Scan {
        /// Image files, sorted by path (`dir` joined with relative paths).
        var files: [String] = []
        /// Paths that could not be used and why: unreadable folders, broken links, link loops,
        /// FIFOs/devices/sockets with image names, limits.
        var problems: [(path: String, reason: String)] = []
        /// Hidden (dot-prefixed) names with an image extension that were not searched.
        var hidden: [String] = []
    }

    /// Image files below `dir` (recursive, hidden entries skipped), sorted by path, and problems
    /// found on the way.
    func images(under dir: String) -> Scan {
        var scan = Scan()
        var visited = Set<String>()
        func walk(_ d: String, depth: Int) {
            guard scan.files.count <= maxFiles else { return }
            guard depth <= maxDepth else {
                scan.problems.append((d, "deeper than \(maxDepth) folders, not searched")); return
            }
            guard let real = FileTree.resolved(d), visited.insert(real).inserted else { return }
            let names: [String]
            switch FileTree.list(d, includeHidden: true) {
            case .success(let n): names = n
            case .failure(let e):
                scan.problems.append((d, "cannot read folder: \(e.reason)")); return
            }
            for name in names {
                let p = FileTree.join(d, name)
                if name.hasPrefix(".") {
                    if isImage(p) { scan.hidden.append(p) }
                    continue
                }
                let kind = FileTree.kind(p)
                switch kind {
                case .directory: walk(p, depth: depth + 1)
                case .regular:
                    guard isImage(p) else { continue }
                    scan.files.append(p)
                    // One image past the limit is collected to know that the limit was hit.
                    if scan.files.count > maxFiles { return }
                case .missing: continue
                default:
                    // A link loop or an inaccessible entry may be a folder: report whatever the name.
                    let relevant =
                        isImage(p) || kind == .linkLoop
                        || {
                            if case .inaccessible = kind { return true } else { return false }
                        }()
                    if relevant { scan.problems.append((p, kind.notAFileReason ?? "not a regular file")) }
                }
            }
        }
        walk(dir, depth: 0)
        if scan.files.count > maxFiles {
            scan.files.removeLast()
            scan.problems.append((dir, "more than \(maxFiles) images, the rest is ignored"))
        }
        scan.files.sort(by: FileTree.byteOrder)
        return scan
    }
}
