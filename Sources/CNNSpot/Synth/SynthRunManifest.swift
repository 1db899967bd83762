import CNNSpotNN
import Foundation

/// `manifest.json` of a synth output folder: how it was made (command line, version, recipe,
/// families and their settings) and whether the run completed.
public struct SynthRunManifest: Codable, Sendable {
    public var tool = "cnnspot synth"
    public var version = CNNSpotVersion.string
    public var commandLine: [String]
    public var startedAt: String
    /// Times `--resume` continued the run.
    public var resumedAt: [String] = []
    public var completedAt: String?
    public var recipe: SynthOptions
    public var families: [Family] = []
    /// What `--jpeg-align` does, in words (also in the README).
    public var jpegPolicy: String
    /// Counts when complete: photos used, failed inputs, files per split.
    public var counts: [String: Int] = [:]
    public var oneDNN = DNNLVersion.string

    public struct Family: Codable, Sendable, Equatable {
        public var name: String
        public var settings: String
        public var directory: String
    }

    static let jpegPolicyText = """
        off: reals are cut from the decoded photo as is; fakes are the generator's pixels. All files PNG. \
        --jpeg-align: for a JPEG source kept at scale 1, cells sit on the source's MCU grid and each fake is \
        re-encoded with the source's own quantisation tables and chroma sampling, then decoded: real and fake carry \
        one JPEG generation of the same quantisation on the same grid. For a JPEG source downscaled 0.5x (its grid is \
        gone) the real patch and its fake are both re-encoded that way on the patch's own grid. PNG and WebP sources \
        are left lossless. All files stay PNG, so the file format cannot separate real from fake.
        """

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    func write(to url: URL) throws {
        let enc = JSONText.encoder(pretty: true)
        do { try SynthOutput.atomicWrite([UInt8](try enc.encode(self)), to: url) } catch let e as SynthError { throw e } catch {
            throw SynthError.io(path: url.path, problem: "cannot write: \(error.localizedDescription)")
        }
    }

    static func read(from url: URL) throws -> SynthRunManifest {
        do { return try JSONDecoder().decode(SynthRunManifest.self, from: Data(contentsOf: url)) } catch {
            throw SynthError.io(path: url.path, problem: "cannot read the run manifest: \(error)")
        }
    }
}
