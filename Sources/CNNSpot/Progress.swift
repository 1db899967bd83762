import Foundation

/// A one-line progress bar on stderr, shown only when stderr is a terminal, so logs and CI
/// output stay clean. Redraws at most ~10 times a second.
public final class ProgressBar {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private(set) public var done = 0

    public init(total: Int, label: String, enabled: Bool = isatty(STDERR_FILENO) != 0) {
        self.total = total
        self.label = label
        self.enabled = enabled && total > 1
    }

    public func advance(by n: Int = 1) {
        done += n
        guard enabled else { return }
        let now = Date()
        if now.timeIntervalSince(lastDraw) < 0.1 && done < total { return }
        lastDraw = now
        let width = 30
        let frac = total > 0 ? Double(done) / Double(total) : 1
        let filled = Int(frac * Double(width))
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r%@ [%@] %d/%d %.1f img/s", label, bar, done, total, rate)
        FileHandle.standardError.write(Data(line.utf8))
    }

    public func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
