import CNNSpotImage
import Foundation

/// One result of expanding the command-line inputs: an image path, or an input that could not
/// be used (kept in order so a batch reports it and goes on with the rest).
public enum InputItem: Equatable, Sendable {
    case image(String)
    case failure(input: String, reason: String)

    public var path: String? { if case .image(let p) = self { return p } else { return nil } }
}

/// Turns command-line arguments into image paths.
///
/// - a file: used as is, whatever its extension (the user named it);
/// - a folder: every image below it (recursive; hidden files and folders skipped; symbolic links
///   followed, each folder visited once so link loops end), sorted by path;
/// - a glob (`*`, `?`, `[...]` within a name, `**` for any number of folders; hidden names only
///   match a pattern that starts with `.`): matched files that are images, and matched folders
///   expanded as above, sorted;
/// - `@list.txt`: one input per line (file, folder or glob); relative lines are relative to the
///   list's own folder; blank lines and lines starting with `#` are skipped;
/// - `-`: the same, one input per line read from standard input, relative to the working folder.
///
/// Images are the extensions in `extensions` (case-insensitive). Order: arguments in order, each
/// one's expansion sorted; an image reached twice (by any path, links resolved) is kept once,
/// at its first place. A missing input becomes `.failure`, never a thrown error; so do a folder
/// that cannot be read, a FIFO, device or socket (never opened: it could block), a link loop.
/// Hidden image files below a folder are not searched but counted in `notices`.
public struct ImageInputs {
    /// What the codecs read (PNG, JPEG, WebP) and other image formats people keep in photo
    /// folders: those reach the decoder, which sniffs the bytes and either reads them (a PNG
    /// named `.bmp`) or gives an error row naming the format, rather than skipping in silence.
    public static let defaultExtensions: Set<String> = [
        "png", "apng", "jpg", "jpeg", "jpe", "jfif", "mpo", "webp", "gif",
        "bmp", "tif", "tiff", "dib", "ppm", "pgm", "pbm", "pnm", "ico", "heic", "heif", "avif", "jp2", "j2k", "jxl",
        "tga", "psd", "qoi", "pcx", "sgi", "dds", "eps"
    ]

    public var extensions: Set<String>
    /// Folder nesting searched at most (below a folder input or a `**`).
    public var maxDepth: Int
    /// Images returned at most; the excess is reported as a failure.
    public var maxImages: Int
    /// Largest `@list` file read (bytes).
    public var maxListBytes: Int

    public init(
        extensions: Set<String> = ImageInputs.defaultExtensions, maxDepth: Int = 64,
        maxImages: Int = 10_000_000, maxListBytes: Int = 64 << 20
    ) {
        self.extensions = Set(extensions.map { $0.lowercased() })
        self.maxDepth = maxDepth; self.maxImages = maxImages; self.maxListBytes = maxListBytes
    }

    /// Expands `arguments`; `standardInput` supplies lines for `-` (nil at end of input).
    public func expand(_ arguments: [String], standardInput: () -> String? = { readLine(strippingNewline: true) }) -> [InputItem] {
        expandWithNotices(arguments, standardInput: standardInput).items
    }

    /// `expand`, plus notes for the user that are not failures (hidden image files not searched).
    public func expandWithNotices(_ arguments: [String], standardInput: () -> String? = { readLine(strippingNewline: true) })
        -> (items: [InputItem], notices: [String])
    {
        var out = Collector(limit: maxImages)
        for argument in arguments {
            if argument == "-" {
                var lines: [String] = []
                while let line = standardInput() {
                    lines.append(line)
                    if lines.count > maxImages { break }
                }
                for line in ImageInputs.entries(lines) { expandOne(line, into: &out) }
            } else if argument.hasPrefix("@") && argument.count > 1 {
                expandList(String(argument.dropFirst()), into: &out)
            } else {
                expandOne(argument, into: &out)
            }
        }
        return (out.items, out.notices)
    }

    private var tree: FileTree { FileTree(extensions: extensions, maxDepth: maxDepth, maxFiles: maxImages) }

    private func expandList(_ listPath: String, into out: inout Collector) {
        let input = "@" + listPath
        let data: [UInt8]
        do { data = try RegularFile.read(path: listPath, limit: maxListBytes) } catch let f as RegularFile.Failure {
            switch f {
            case .notReadable(let reason), .readFailed(let reason): return out.fail(input, "list file: \(reason)")
            case .tooLarge(let bytes, let limit): return out.fail(input, "list file is \(bytes) bytes, limit \(limit)")
            }
        } catch { return out.fail(input, "list file: \(error)") }
        guard let text = String(validating: data, as: UTF8.self) else {
            return out.fail(input, "list file is not UTF-8 text")
        }
        let base = (listPath as NSString).deletingLastPathComponent
        for line in ImageInputs.entries(text.components(separatedBy: .newlines)) {
            if line.hasPrefix("@") || line == "-" {
                out.fail(line, "a list inside \(input) cannot name another list or stdin")
                continue
            }
            expandOne(line.hasPrefix("/") ? line : FileTree.join(base, line), into: &out)
        }
    }

    /// Non-empty, non-comment lines with surrounding whitespace (and `\r`) removed.
    static func entries(_ lines: [String]) -> [String] {
        lines.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    private func expandOne(_ input: String, into out: inout Collector) {
        let kind = FileTree.kind(input)
        switch kind {
        case .regular: return out.add(input)
        case .directory:
            let scan = tree.images(under: input)
            if scan.files.isEmpty && scan.problems.isEmpty { out.fail(input, "folder holds no image (\(extensionList))") }
            out.add(scan, input: input)
        case .missing:
            guard GlobPattern.hasWildcards(input) else { return out.fail(input, "no such file or folder") }
            let matches = glob(input)
            var any = false
            for m in matches {
                switch FileTree.kind(m) {
                case .regular where tree.isImage(m): out.add(m); any = true
                case .directory:
                    let scan = tree.images(under: m)
                    out.add(scan, input: input)
                    any = any || !scan.files.isEmpty
                case .special, .linkLoop, .brokenLink, .inaccessible:
                    if tree.isImage(m) { out.fail(m, FileTree.kind(m).notAFileReason ?? "not a regular file"); any = true }
                default: continue
                }
            }
            if !any { out.fail(input, "no image matches the pattern") }
        default:
            out.fail(input, kind.notAFileReason ?? "not a regular file")
        }
    }

    private var extensionList: String { extensions.sorted().map { "." + $0 }.joined(separator: " ") }

    /// Paths matching a pattern, sorted. Component by component from the pattern's literal start.
    func glob(_ pattern: String) -> [String] {
        let absolute = pattern.hasPrefix("/")
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var current: [String] = [absolute ? "/" : ""]
        for (index, part) in parts.enumerated() {
            let last = index == parts.count - 1
            var next: [String] = []
            for base in current {
                let dir = base.isEmpty ? "." : base
                if part == "**" {
                    // Zero or more folders: the base itself and every visible folder below it.
                    next.append(base)
                    next += subfolders(of: dir).map { FileTree.join(base, String($0.dropFirst(dir.count + 1))) }
                } else if GlobPattern.hasWildcards(part) {
                    let g = GlobPattern(part)
                    let names = ((try? FileTree.list(dir, includeHidden: true).get()) ?? [])
                        .filter { (!$0.hasPrefix(".") || part.hasPrefix(".")) && g.matches($0) }
                    next += names.map { FileTree.join(base, $0) }
                } else {
                    let p = FileTree.join(base, part)
                    if last || FileTree.kind(p) == .directory { next.append(p) }
                }
            }
            if !last { next = next.filter { FileTree.kind($0.isEmpty ? "." : $0) == .directory } }
            current = next
            if current.count > maxImages { break }
        }
        let found = current.filter { !$0.isEmpty && FileTree.kind($0) != .missing }
        return Array(Set(found)).sorted(by: FileTree.byteOrder)
    }

    /// Every visible folder below `dir` (paths start with `dir/`), each resolved folder once.
    private func subfolders(of dir: String) -> [String] {
        var out: [String] = []
        var visited = Set<String>()
        func walk(_ d: String, depth: Int) {
            guard depth < maxDepth, let real = FileTree.resolved(d), visited.insert(real).inserted else { return }
            for name in FileTree.children(d) {
                let p = d + "/" + name
                if FileTree.kind(p) == .directory {
                    if let r = FileTree.resolved(p), visited.contains(r) { continue }
                    out.append(p)
                    walk(p, depth: depth + 1)
                }
            }
        }
        walk(dir, depth: 0)
        return out
    }
}

/// Accumulates items in order, dropping images already seen (by resolved path).
private struct Collector {
    var items: [InputItem] = []
    var seen = Set<String>()
    var failures = Set<InputItem>()
    var images = 0
    var notices: [String] = []
    let limit: Int

    init(limit: Int) { self.limit = limit }

    mutating func add(_ path: String) {
        let key = FileTree.resolved(path) ?? path
        guard seen.insert(key).inserted else { return }
        guard images < limit else {
            return fail("(all inputs)", "more than \(limit) images: the rest is ignored")
        }
        images += 1
        items.append(.image(path))
    }

    /// A folder's images and problems, merged in path order so each problem row stands where
    /// its file would; hidden images become one notice.
    mutating func add(_ scan: FileTree.Scan, input: String) {
        var problems = scan.problems.sorted { FileTree.byteOrder($0.path, $1.path) }[...]
        for file in scan.files {
            while let p = problems.first, FileTree.byteOrder(p.path, file) {
                fail(p.path, p.reason); problems.removeFirst()
            }
            add(file)
        }
        for p in problems { fail(p.path, p.reason) }
        if !scan.hidden.isEmpty {
            let shown = scan.hidden.prefix(3).map { PathBytes.display($0) }.joined(separator: ", ")
            notices.append(
                "\(PathBytes.display(input)): \(scan.hidden.count) hidden image file(s) not searched (\(shown)\(scan.hidden.count > 3 ? ", ..." : "")); name them, or use a pattern starting with '.'"
            )
        }
    }

    mutating func fail(_ input: String, _ reason: String) {
        let item = InputItem.failure(input: input, reason: reason)
        if failures.insert(item).inserted { items.append(item) }
    }
}

extension InputItem: Hashable {}
