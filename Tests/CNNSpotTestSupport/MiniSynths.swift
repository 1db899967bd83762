import Foundation

public enum MiniSynths {
    /// Copies the first `count` reals and fakes (sorted by name) of `../shared/data/minisynths/test/<family>`
    /// into `root/<name>/{0_real,1_fake}`: a small ForenSynths-layout set the tests may change.
    public static func copyTestSet(_ family: String, into root: URL, name: String, count: Int) throws {
        let fm = FileManager.default
        for label in ["0_real", "1_fake"] {
            let src = Repository.sharedData.appendingPathComponent("minisynths/test/\(family)/\(label)")
            let dst = root.appendingPathComponent("\(name)/\(label)")
            try fm.createDirectory(at: dst, withIntermediateDirectories: true)
            for f in try fm.contentsOfDirectory(atPath: src.path).sorted().prefix(count) {
                try fm.copyItem(at: src.appendingPathComponent(f), to: dst.appendingPathComponent(f))
            }
        }
    }
}
