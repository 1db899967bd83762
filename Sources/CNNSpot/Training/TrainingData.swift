import Foundation

/// The labelled images of a training or validation split (`<root>/{train,val}`, each one
/// multi-class ForenSynths set: `<class>/{0_real,1_fake}/*`, or `{0_real,1_fake}` directly), and
/// the order in which an epoch visits them.
///
/// Orders are pure functions of (seed, epoch): the same run, resumed or not, visits the same
/// images in the same order, whatever the number of loader threads.
public struct TrainingData: Sendable {
    public let images: [LabeledImage]
    public let root: String
    /// Folder problems found while listing (empty classes, broken links...).
    public let warnings: [String]

    public init(images: [LabeledImage], root: String, warnings: [String] = []) {
        self.images = images
        self.root = root
        self.warnings = warnings
    }

    /// Lists `root` as one set (`ForenSynthsLayout.discover(root, mode: .oneSet)`), keeping only
    /// the class folders in `classes` when given (unknown names are an error listing the known ones).
    public static func discover(_ root: String, classes: [String]? = nil) throws -> TrainingData {
        let found = try ForenSynthsLayout.discover(root, mode: .oneSet)
        guard let set = found.sets.first else {
            throw TrainingError.noData("\(root): no images in 0_real/1_fake folders (\(found.warnings.joined(separator: "; ")))")
        }
        var images = set.images
        if let classes {
            let known = Set(set.classes)
            let unknown = classes.filter { !known.contains($0) }
            guard unknown.isEmpty else {
                throw TrainingError.badOption(
                    "--classes: \(unknown.joined(separator: ", ")) not found in \(root) (has: \(set.classes.joined(separator: ", ")))")
            }
            let keep = Set(classes)
            images = images.filter { $0.className.map(keep.contains) ?? false }
        }
        guard !images.isEmpty else { throw TrainingError.noData("\(root): no training images") }
        return TrainingData(images: images, root: root, warnings: found.warnings)
    }

    public var realCount: Int { images.filter { $0.label == 0 }.count }
    public var fakeCount: Int { images.filter { $0.label == 1 }.count }

    /// Image indices in the order epoch `epoch` visits them, `images.count` long.
    /// - Uniform: a Fisher-Yates permutation (the reference's `shuffle=True`).
    /// - `classBalance`: `WeightedRandomSampler(1 / count[label], len, replacement=True)`: each
    ///   draw picks a label uniformly in effect, so both classes are equally likely.
    public func order(epoch: Int, seed: UInt64, classBalance: Bool) -> [Int] {
        var rng = SeededRandom(seed: seed ^ 0x5EED_0F0D_E700_0000, stream: UInt64(bitPattern: Int64(epoch)))
        let n = images.count
        if !classBalance {
            var p = Array(0..<n)
            if n > 1 {
                for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, rng.integer(in: 0...i)) }
            }
            return p
        }
        var counts: [Int: Int] = [:]
        for im in images { counts[im.label, default: 0] += 1 }
        // Cumulative weights, then inverse-CDF draws (binary search): sampling with replacement.
        var cumulative = [Double](repeating: 0, count: n)
        var total = 0.0
        for (i, im) in images.enumerated() {
            total += 1 / Double(counts[im.label]!)
            cumulative[i] = total
        }
        return (0..<n).map { _ in
            let u = rng.uniform() * total
            var lo = 0, hi = n - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
            }
            return lo
        }
    }

    /// A fixed subset of at most `limit` images (seeded, kept in listing order): the capped
    /// validation set. Returns all images when `limit` is nil or not smaller.
    public func subset(limit: Int?, seed: UInt64) -> TrainingData {
        guard let limit, limit < images.count else { return self }
        let picked = order(epoch: -1, seed: seed ^ 0x7A1, classBalance: false).prefix(limit).sorted()
        return TrainingData(images: picked.map { images[$0] }, root: root, warnings: warnings)
    }
}

extension LabeledImage {
    /// An image outside any discovered set (lists built by hand, tests).
    public init(path: String, label: Int) {
        self.init(path: path, label: label, setName: "", className: nil)
    }
}
