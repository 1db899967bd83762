import Foundation

/// The spectrum tool's workflow (Wang et al. 2020, Fig. 4, after Zhang et al. 2019): for each
/// image source, the mean log-magnitude spectrum of the high-pass residual `x - median3(x)`
/// (`ResidualSpectrum` with the image-ops `medianFilter`, SciPy-exact), over the centre
/// `size x size` crop of each image.
public enum SpectrumReport {
    /// Images of one source: a plain folder, or the reals or fakes of a ForenSynths set.
    public struct Source: Sendable, Equatable {
        public var name: String
        /// "real" / "fake" for a ForenSynths set's half; nil for a plain folder.
        public var label: String?
        public var files: [String]

        public init(name: String, label: String?, files: [String]) {
            self.name = name; self.label = label; self.files = files
        }

        /// `name` for a folder, `name_real` / `name_fake` for a set's halves (file stems).
        public var stem: String { label.map { "\(name)_\($0)" } ?? name }
        public var title: String { label.map { "\(name) \($0)" } ?? name }
    }

    public struct Settings: Sendable {
        /// Side of the centre crop every image is reduced to (images smaller are skipped).
        public var size = 256
        public var planes = ResidualSpectrum.Planes.grey
        public var scale = ResidualSpectrum.Scale.naturalLog
        /// At most this many images per source (first by path).
        public var maxImages = 1000
        /// Side of the local-median window the peak view subtracts (odd).
        public var peakWindow = 9
        public init() {}
    }

    /// The mean spectrum of one source.
    public struct Result: Sendable {
        public var source: Source
        /// Per plane (1 grey or 3 RGB), row-major `size x size`, zero frequency at the centre.
        public var planes: [[Double]]
        public var size: Int
        public var imageCount: Int
        /// Files left out (unreadable, too small), with the reason.
        public var skipped: [String]

        /// The plane shown in figures: the grey plane, or the mean of the RGB planes.
        public var displayPlane: [Double] {
            guard planes.count > 1 else { return planes[0] }
            return planes[0].indices.map { i in planes.reduce(0) { $0 + $1[i] } / Double(planes.count) }
        }
    }

    public enum ReportError: Error, CustomStringConvertible {
        case noImages(String)
        case badSettings(String)
        case io(path: String, reason: String)
        public var description: String {
            switch self {
            case .noImages(let m): return "spectrum: \(m)"
            case .badSettings(let m): return "spectrum: \(m)"
            case let .io(p, r): return "spectrum: cannot write \(p): \(r)"
            }
        }
    }

    /// The sources of a folder argument: a ForenSynths set (its own `0_real`/`1_fake`, or class
    /// folders holding them) gives a real and a fake source; any other folder is one source of
    /// all the images below it. Files are sorted by path and cut to `maxImages`.
    public static func sources(of folder: String, maxImages: Int) throws -> [Source] {
        let url = URL(fileURLWithPath: folder).standardizedFileURL
        var name = url.lastPathComponent
        // `set/1_fake` given alone is named `set_1_fake`, so two sets' halves do not collide.
        if name == "0_real" || name == "1_fake" {
            name = url.deletingLastPathComponent().lastPathComponent + "_" + name
        }
        if let set = try? ForenSynthsLayout.discover(folder, mode: .oneSet).sets.first {
            return [(0, "real"), (1, "fake")].compactMap { label, title in
                let files = set.images.filter { $0.label == label }.map(\.path).sorted()
                return files.isEmpty ? nil : Source(name: set.name, label: title, files: Array(files.prefix(maxImages)))
            }
        }
        guard FileTree.kind(folder) == .directory else { throw ReportError.noImages("\(folder) is not a folder") }
        let files = ImageInputs().expand([folder]).compactMap(\.path).sorted()
        guard !files.isEmpty else { throw ReportError.noImages("\(folder): no image found") }
        return [Source(name: name, label: nil, files: Array(files.prefix(maxImages)))]
    }

    /// Renames sources whose file stems repeat across `groups` (e.g. two folders both called
    /// `fakes`) by appending `-2`, `-3`, ... to the later ones' names.
    public static func uniquelyNamed(_ groups: [[Source]]) -> [[Source]] {
        var used: Set<String> = ["spectra"]  // the combined figure
        return groups.map { group in
            let original = group.first?.name ?? ""
            // The file stems a group writes: one per source, plus the set figure for real | fake.
            func stems(_ n: String) -> [String] {
                group.map { Source(name: n, label: $0.label, files: []).stem } + (group.count > 1 ? [n] : [])
            }
            var name = original, k = 1
            while stems(name).contains(where: used.contains) { k += 1; name = "\(original)-\(k)" }
            used.formUnion(stems(name))
            return group.map { Source(name: name, label: $0.label, files: $0.files) }
        }
    }

    /// The residual median the spectrum uses: SciPy `median_filter(size=3, mode='reflect')`.
    /// An error (which cannot happen for a well-formed plane) returns no values, which
    /// `ResidualSpectrum` reports as a size mismatch instead of crashing.
    public static let median3: ResidualSpectrum.MedianFilter = { values, width, height in
        (try? medianFilter(values, height: height, width: width, size: 3)) ?? []
    }

    /// Averages the spectrum of `source`'s images. Unreadable or too-small images are skipped
    /// and listed; `progress` is called once per file.
    public static func compute(
        _ source: Source, settings: Settings, decodeOptions: DecodeOptions = .default,
        progress: (() -> Void)? = nil
    ) throws -> Result {
        guard settings.size >= 8, settings.size <= 4096 else {
            throw ReportError.badSettings("size \(settings.size) is not within 8...4096")
        }
        var acc = ResidualSpectrum(
            width: settings.size, height: settings.size, planes: settings.planes,
            scale: settings.scale, medianFilter: median3)
        var skipped: [String] = []
        for path in source.files {
            defer { progress?() }
            do {
                let image = try ImageDecoder.decode(path: path, options: decodeOptions).image
                try acc.add(centerCropOf: image)
            } catch {
                skipped.append("\(path): \(error)")
            }
        }
        guard let mean = acc.mean() else {
            throw ReportError.noImages(
                "\(source.title): none of \(source.files.count) image(s) could be used"
                    + (skipped.first.map { " (first: \($0))" } ?? ""))
        }
        return Result(source: source, planes: mean, size: settings.size, imageCount: acc.imageCount, skipped: skipped)
    }
}
