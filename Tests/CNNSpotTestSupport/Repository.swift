import Foundation

/// Where the tests find their files: the repository root (computed once, from this file's own
/// place, `Tests/CNNSpotTestSupport/`), its fixtures, the shipped examples and `../shared/data`.
/// Every test target depends on this one module instead of walking up from its own `#filePath`.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `Fixtures/<name>` (written by the scripts in scripts/fixtures).
    public static func fixtures(_ name: String) -> URL { root.appendingPathComponent("Fixtures/\(name)") }

    /// `../shared/data` beside the clone (read-only in CI).
    public static let sharedData = root.appendingPathComponent("../shared/data").standardizedFileURL

    /// A path inside the repository.
    public static func path(_ relative: String) -> URL { root.appendingPathComponent(relative) }
}
