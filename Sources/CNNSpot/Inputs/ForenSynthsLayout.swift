import Foundation

/// One labelled image of a ForenSynths-style folder tree.
public struct LabeledImage: Equatable, Sendable, Codable {
    public var path: String
    /// 0 for `0_real`, 1 for `1_fake`.
    public var label: Int
    /// The evaluation set (generator) it belongs to, e.g. `progan`.
    public var setName: String
    /// The class folder of a multi-class set (e.g. `airplane`), nil for a single-class set.
    public var className: String?
}

/// One evaluation (or training) set: a folder with `0_real`/`1_fake`, or a folder whose class
/// subfolders hold them (merged into one set, as the reference's `eval.py` concatenates the
/// classes of a multi-class generator and as training concatenates `train/<class>`).
public struct ImageSet: Equatable, Sendable, Codable {
    public var name: String
    public var root: String
    /// Class folder names, sorted; empty for a single-class set.
    public var classes: [String]
    /// Sorted by class, then label (reals first), then path.
    public var images: [LabeledImage]

    public var realCount: Int { images.filter { $0.label == 0 }.count }
    public var fakeCount: Int { images.filter { $0.label == 1 }.count }
}

/// Finds the sets of a ForenSynths tree (Wang et al. 2020):
/// `test/<generator>/{0_real,1_fake}/*`, `test/<generator>/<class>/{0_real,1_fake}/*`,
/// `train/<class>/{0_real,1_fake}/*`.
public enum ForenSynthsLayout {
    /// Twenty LSUN object classes of the ForenSynths training and ProGAN test sets.
    public static let lsunClasses: Set<String> = [
        "airplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
        "train", "tvmonitor"
    ]

    /// Class folder names of the released multi-class test sets besides the LSUN classes:
    /// CycleGAN (apple, horse, orange, summer, winter, zebra), StyleGAN (bedroom, car, cat) and
    /// StyleGAN2 (car, cat, church, horse).
    public static let knownClassNames: Set<String> = lsunClasses.union(
        ["apple", "orange", "summer", "winter", "zebra", "bedroom", "church"])

    /// The released test sets that hold classes (`multiclass = 1` in CNNDetection's eval_config.py).
    public static let multiClassSets: Set<String> = ["progan", "stylegan", "stylegan2", "cyclegan"]

    public enum Mode: Sendable {
        /// Decide from the tree (see `discover`).
        case auto
        /// The root is one set: its own `0_real`/`1_fake`, or its class subfolders merged.
        case oneSet
        /// Each subfolder of the root is a set (single- or multi-class).
        case setPerChild
    }

    public struct Discovery: Sendable {
        public var sets: [ImageSet]
        /// Skipped folders, empty or one-sided sets, broken links.
        public var warnings: [String]
    }

    public enum LayoutError: Error, CustomStringConvertible {
        case notAFolder(String)
        case noSets(String)
        public var description: String {
            switch self {
            case .notAFolder(let p): return "\(p): not a folder"
            case .noSets(let p):
                return "\(p): no ForenSynths set found (expected 0_real/1_fake folders in it, in its subfolders, or one level deeper)"
            }
        }
    }

    /// Finds the sets below `root`. `.auto` rules:
    /// 1. `root` holds `0_real` or `1_fake`: one set named after `root`.
    /// 2. Some subfolder is multi-class (its own subfolders hold `0_real`/`1_fake`): `root` is a
    ///    test root; each subfolder with sets is one set.
    /// 3. Subfolders hold `0_real`/`1_fake` directly: if the root is named like a released
    ///    multi-class set (`multiClassSets`) or all subfolders are known class names
    ///    (`knownClassNames`), the root is one multi-class set (e.g. `test/progan`, `train`); else
    ///    each subfolder is a set (a test root of single-class generators such as
    ///    `test/{biggan,gaugan}`). Use `.oneSet` or `.setPerChild` to decide explicitly.
    public static func discover(
        _ root: String, mode: Mode = .auto,
        extensions: Set<String> = ImageInputs.defaultExtensions
    ) throws -> Discovery {
        guard FileTree.kind(root) == .directory else { throw LayoutError.notAFolder(root) }
        let tree = FileTree(extensions: Set(extensions.map { $0.lowercased() }), maxDepth: 64, maxFiles: 50_000_000)
        var warnings: [String] = []
        let rootName = name(of: root)
        let children = FileTree.children(root).map { FileTree.join(root, $0) }.filter { FileTree.kind($0) == .directory }
        let direct = children.filter { !labelFolders($0).isEmpty }
        let multi = children.filter { labelFolders($0).isEmpty && !classFolders($0).isEmpty }

        var plans: [(name: String, root: String, classes: [String])] = []
        func planSetPerChild() {
            for c in children {
                if !labelFolders(c).isEmpty {
                    plans.append((name(of: c), c, []))
                } else if !classFolders(c).isEmpty {
                    plans.append((name(of: c), c, classFolders(c)))
                } else {
                    warnings.append("\(c): skipped, no 0_real/1_fake inside")
                }
            }
        }
        switch mode {
        case .oneSet:
            if !labelFolders(root).isEmpty { plans = [(rootName, root, [])] } else if !direct.isEmpty { plans = [(rootName, root, classFolders(root))] }
        case .setPerChild:
            planSetPerChild()
        case .auto:
            if !labelFolders(root).isEmpty {
                plans = [(rootName, root, [])]
            } else if !multi.isEmpty {
                planSetPerChild()
            } else if !direct.isEmpty {
                if multiClassSets.contains(rootName.lowercased())
                    || direct.allSatisfy({ knownClassNames.contains(name(of: $0)) })
                {
                    plans = [(rootName, root, classFolders(root))]
                } else {
                    planSetPerChild()
                }
            }
        }
        var sets: [ImageSet] = []
        for plan in plans {
            let set = collect(plan.name, plan.root, plan.classes, tree, &warnings)
            if set.images.isEmpty { warnings.append("\(plan.root): set '\(plan.name)' has no image, skipped"); continue }
            if set.realCount == 0 { warnings.append("\(plan.root): set '\(plan.name)' has no real image") }
            if set.fakeCount == 0 { warnings.append("\(plan.root): set '\(plan.name)' has no fake image") }
            sets.append(set)
        }
        if sets.isEmpty && plans.isEmpty { throw LayoutError.noSets(root) }
        return Discovery(sets: sets, warnings: warnings)
    }

    private static let labels = [("0_real", 0), ("1_fake", 1)]

    /// The `0_real` / `1_fake` subfolders present in `dir`.
    static func labelFolders(_ dir: String) -> [(String, Int)] {
        labels.filter { FileTree.kind(FileTree.join(dir, $0.0)) == .directory }
    }

    /// Subfolders of `dir` that hold `0_real` or `1_fake`, sorted.
    static func classFolders(_ dir: String) -> [String] {
        FileTree.children(dir).filter {
            let p = FileTree.join(dir, $0)
            return FileTree.kind(p) == .directory && !labelFolders(p).isEmpty
        }
    }

    private static func name(of path: String) -> String {
        let n = (path as NSString).lastPathComponent
        if n.isEmpty || n == "." || n == "/" {
            return ((FileTree.resolved(path) ?? path) as NSString).lastPathComponent
        }
        return n
    }

    private static func collect(
        _ name: String, _ root: String, _ classes: [String], _ tree: FileTree,
        _ warnings: inout [String]
    ) -> ImageSet {
        var images: [LabeledImage] = []
        let groups: [(String?, String)] = classes.isEmpty ? [(nil, root)] : classes.map { ($0, FileTree.join(root, $0)) }
        for (cls, dir) in groups {
            for (folder, label) in labelFolders(dir) {
                let scan = tree.images(under: FileTree.join(dir, folder))
                warnings += scan.problems.map { "\($0.path): \($0.reason)" }
                if !scan.hidden.isEmpty { warnings.append("note: \(FileTree.join(dir, folder)): \(scan.hidden.count) hidden image file(s) not used") }
                images += scan.files.map { LabeledImage(path: $0, label: label, setName: name, className: cls) }
            }
        }
        return ImageSet(name: name, root: root, classes: classes, images: images)
    }
}
