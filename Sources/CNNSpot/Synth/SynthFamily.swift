/// A generator family for `cnnspot synth`: turns a real patch into a fake of the same content
/// and size, made by a CNN generator architecture run forward by our own network core.
///
/// The contract between the synth workflow (patch extraction, layout, manifest, resume) and the
/// families (random up-sampling decoders, briefly trained autoencoders, TAEF2):
/// - `prepare` is called once per run, before any `fake`, with the run's training patches (the
///   train split's real patches). Families that learn (`ae-*`) train here and write their weights
///   into `directory` so a run can be repeated; the others may ignore it.
/// - `fake(of:seed:)` returns an image of exactly the patch's width and height. It is a pure
///   function of the patch, the seed and what `prepare` produced: the same inputs give the same
///   bytes for any thread count.
/// - `settings` is a short `key=value;key=value` text recorded in MANIFEST.csv.
public protocol SynthFamily: AnyObject {
    /// The family name as given to `--families` (`random-transposed`, `ae-nearest`, `taef2`).
    var name: String { get }
    /// Generator settings for the manifest (architecture choices, widths, seeds, weight files).
    var settings: String { get }
    func prepare(patches: [RGBImage], directory: String) throws
    /// Settings specific to one fake (e.g. the random decoder drawn for this seed), for the manifest row.
    func settings(forSeed seed: UInt64) -> String
    func fake(of patch: RGBImage, seed: UInt64) throws -> RGBImage
}

extension SynthFamily {
    public func settings(forSeed seed: UInt64) -> String { settings }
}

/// The families `cnnspot synth --families` accepts, and `--list-families` prints.
public enum SynthFamilies {
    /// One line per family: name and a short description.
    public static var available: [(name: String, summary: String)] { registry.map { ($0.name, $0.summary) } }

    /// The family for a name such as `random-transposed` or `taef2`; throws naming the unknown
    /// name and the valid ones.
    public static func make(_ name: String) throws -> SynthFamily {
        guard let entry = registry.first(where: { $0.name == name }) else {
            throw SynthFamilyError.unknown(name, valid: registry.map(\.name))
        }
        return try entry.make()
    }

    struct Entry {
        let name: String
        let summary: String
        let make: () throws -> SynthFamily
    }

    /// Filled in by the family implementations (Synth/Families/).
    static var registry: [Entry] {
        RandomDecoderFamily.ups.map { up in
            Entry(name: "random-\(up)", summary: RandomDecoderFamily.summary(up), make: { try RandomDecoderFamily(up: up) })
        }
            + AutoencoderFamily.ups.map { up in
                Entry(
                    name: "ae-\(up)", summary: "AutoGAN-style autoencoder with \(up) up-sampling, trained briefly on the run's real patches (Adam, L1)",
                    make: { try AutoencoderFamily(up: up) })
            } + [
                Entry(
                    name: "taef2",
                    summary: "reconstruction through TAEF2, the FLUX.2 VAE's tiny autoencoder (nearest x2 + conv decoder; MIT weights in models/taef2)",
                    make: { try TAEF2Family() })
            ]
    }
}

public enum SynthFamilyError: Error, CustomStringConvertible {
    case unknown(String, valid: [String])
    case failed(family: String, reason: String)

    public var description: String {
        switch self {
        case .unknown(let n, let valid):
            return "unknown synth family '\(n)'" + (valid.isEmpty ? " (no families are built in)" : "; valid: \(valid.joined(separator: ", "))")
        case .failed(let f, let r): return "synth family \(f): \(r)"
        }
    }
}
