import Foundation

/// A one-line progress bar on stderr, shown only when stderr is a terminal, so logs and CI
/// output stay clean. Redraws at most ~10 times a second; shows the rate and the time left.
public final class ProgressBar {
    private let total: Int
    private let label: String
    private let unit: String
    private let initial: Int
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var shown = false
    private(set) public var done = 0

    /// - Parameters:
    ///   - unit: what is counted (`img`, `patch`), for the rate.
    ///   - initial: already done before this run (a resumed job): counted in the bar, not in the rate.
    public init(total: Int, label: String, unit: String = "img", initial: Int = 0, enabled: Bool = isatty(STDERR_FILENO) != 0) {
        self.total = total
        self.label = label
        self.unit = unit
        self.initial = initial
        self.done = initial
        self.enabled = enabled && total > 1
    }

    public func advance(by n: Int = 1) {
        done += n
        draw(force: false)
    }

    /// Runs `body`, which writes to the terminal (a result row), with the bar taken off its
    /// line first and drawn again below, so rows never print over the bar.
    public func above(_ body: () -> Void) {
        guard enabled, shown else { return body() }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
        body()
        draw(force: true)
    }

    private func draw(force: Bool) {
        guard enabled else { return }
        let now = Date()
        if !force && now.timeIntervalSince(lastDraw) < 0.1 && done < total { return }
        lastDraw = now
        shown = true
        let width = 30
        let frac = total > 0 ? Double(done) / Double(total) : 1
        let filled = Int(frac * Double(width))
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done - initial) / elapsed : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        var line = String(format: "\r%@ [%@] %d/%d %.1f %@/s", label, bar, done, total, rate, unit)
        if rate > 0 && done < total {
            let left = Int(Double(total - done) / rate)
            line += String(format: " ETA %d:%02d:%02d", left / 3600, left / 60 % 60, left % 60)
        }
        line += "   "  // clears what a longer previous line left
        FileHandle.standardError.write(Data(line.utf8))
    }

    public func finish() {
        guard enabled, shown else { return }
        shown = false
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
