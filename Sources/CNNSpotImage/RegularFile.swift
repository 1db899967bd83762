#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a path names, from `stat(2)` (links followed) and `lstat(2)` (to tell a broken link
/// from a missing name). Shared by input expansion, the image decoder and model loading so that
/// only regular files are ever opened for reading: a FIFO would block `open`/`read` forever, a
/// device (`/dev/zero`) never ends, a socket cannot be opened at all.
public enum FileKind: Equatable, Sendable {
    case regular(size: Int)
    case directory
    /// FIFO, character or block device, socket: `what` names it for messages.
    case special(what: String)
    /// A symbolic link whose target is missing.
    case brokenLink
    /// A chain of symbolic links that loops (`ELOOP`).
    case linkLoop
    case missing
    /// `stat` failed for another reason (e.g. `EACCES` on a parent folder): the system's text.
    case inaccessible(reason: String)

    public static func of(_ path: String) -> FileKind {
        var st = stat()
        let ok = PathBytes.withCPath(path) { stat($0, &st) } == 0
        if ok {
            switch st.st_mode & S_IFMT {
            case S_IFREG: return .regular(size: Int(st.st_size))
            case S_IFDIR: return .directory
            case S_IFIFO: return .special(what: "a FIFO (named pipe)")
            case S_IFCHR: return .special(what: "a character device")
            case S_IFBLK: return .special(what: "a block device")
            case S_IFSOCK: return .special(what: "a socket")
            default: return .special(what: "not a regular file")
            }
        }
        let code = errno
        if code == ELOOP { return .linkLoop }
        var lst = stat()
        if PathBytes.withCPath(path, { lstat($0, &lst) }) == 0, lst.st_mode & S_IFMT == S_IFLNK { return .brokenLink }
        if code == ENOENT || code == ENOTDIR { return .missing }
        return .inaccessible(reason: String(cString: strerror(code)))
    }

    /// Why a path of this kind cannot be read as a file, or nil for a regular file.
    public var notAFileReason: String? {
        switch self {
        case .regular: return nil
        case .directory: return "is a folder, not a file"
        case .special(let what): return "is \(what), not a regular file"
        case .brokenLink: return "broken symbolic link (its target does not exist)"
        case .linkLoop: return "symbolic link loop"
        case .missing: return "no such file"
        case .inaccessible(let reason): return reason
        }
    }
}

/// Reading untrusted files: regular files only, opened without blocking, at most a byte limit.
public enum RegularFile {
    public enum Failure: Error, Equatable, Sendable {
        /// Not a regular file, missing, or not openable: `reason` is ready for a message.
        case notReadable(reason: String)
        case tooLarge(bytes: Int, limit: Int)
        case readFailed(reason: String)
    }

    /// Reads the whole file at `path`. `O_NONBLOCK` makes `open` return at once even if the
    /// path was swapped for a FIFO after a `stat`; `fstat` on the open descriptor then decides,
    /// so there is no window between check and use.
    public static func read(path: String, limit: Int) throws -> [UInt8] {
        let fd = PathBytes.withCPath(path) { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        guard fd >= 0 else {
            let code = errno
            let kind = FileKind.of(path)
            if let reason = kind.notAFileReason { throw Failure.notReadable(reason: reason) }
            throw Failure.notReadable(reason: "cannot open: \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure.readFailed(reason: String(cString: strerror(errno))) }
        let type = st.st_mode & S_IFMT
        guard type == S_IFREG else {
            let kind = type == S_IFDIR ? FileKind.directory : FileKind.of(path)
            throw Failure.notReadable(reason: kind.notAFileReason ?? "not a regular file")
        }
        let size = Int(st.st_size)
        if size > limit { throw Failure.tooLarge(bytes: size, limit: limit) }
        // Read up to limit + 1 bytes: the file may grow between fstat and read.
        var out = [UInt8](repeating: 0, count: min(size, limit) + 1)
        var filled = 0
        while true {
            if filled == out.count {
                if filled > limit { break }
                out.append(contentsOf: [UInt8](repeating: 0, count: min(limit + 1 - filled, max(4096, filled))))
            }
            let n = out.withUnsafeMutableBytes { raw in systemRead(fd, raw.baseAddress! + filled, raw.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure.readFailed(reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            filled += n
        }
        if filled > limit { throw Failure.tooLarge(bytes: max(size, filled), limit: limit) }
        out.removeSubrange(filled...)
        return out
    }

    /// Throws `Failure.notReadable` unless `path` names a regular file (for readers that open
    /// the file themselves, such as the checkpoint loader).
    public static func check(_ path: String) throws {
        if let reason = FileKind.of(path).notAFileReason { throw Failure.notReadable(reason: reason) }
    }
}

#if canImport(Glibc)
    private let systemRead = Glibc.read
#else
    private let systemRead = Darwin.read
#endif
