import CNNSpot
import Foundation
import XCTest

/// A test-only family: a 3x3 box blur (edges clamped) of the patch, then every other pixel
/// of each row replaced by its left neighbour (a nearest x2 horizontal up-sampling trace). Records
/// what `prepare` received and writes a file into its directory, as a learning family would.
final class BlurUpFamily: SynthFamily {
    let name: String
    var preparedPatches: [RGBImage] = []
    var preparedDirectory: String?
    var settings: String { "kind=blur3-nearest-h" }

    init(name: String = "test-blurup") { self.name = name }

    func prepare(patches: [RGBImage], directory: String) throws {
        preparedPatches = patches
        preparedDirectory = directory
        try Data("weights".utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("weights.txt"))
    }

    func settings(forSeed seed: UInt64) -> String { "kind=blur3-nearest-h;offset=\(seed % 7)" }

    func fake(of patch: RGBImage, seed: UInt64) throws -> RGBImage {
        let w = patch.width, h = patch.height
        let offset = Int(seed % 7)
        var out = patch
        for y in 0..<h {
            for x in 0..<w {
                for c in 0..<3 {
                    var s = 0
                    for dy in -1...1 {
                        for dx in -1...1 {
                            s += Int(patch[min(max(x + dx, 0), w - 1), min(max(y + dy, 0), h - 1), c])
                        }
                    }
                    out[x, y, c] = UInt8(min(255, (s + 4) / 9 + offset))
                }
            }
        }
        for y in 0..<h { for x in stride(from: 1, to: w, by: 2) { for c in 0..<3 { out[x, y, c] = out[x - 1, y, c] } } }
        return out
    }
}

/// A family whose fakes have the wrong size (every pair fails).
final class WrongSizeFamily: SynthFamily {
    let name = "test-wrongsize"
    let settings = ""
    func prepare(patches: [RGBImage], directory: String) throws {}
    func fake(of patch: RGBImage, seed: UInt64) throws -> RGBImage { RGBImage(width: 8, height: 8) }
}

enum SynthTestData {
    static let photos = TestPaths.sharedData.appendingPathComponent("photos")

    /// A folder with three BSDS500 photos (481x321 or 321x481, JPEG q95 4:2:0), one ImageNet photo
    /// large enough to be halved (800x660, q85 4:2:0), a PNG and a WebP.
    static func photoFolder(_ test: XCTestCase) throws -> URL {
        let dir = try makeTempDir(test).appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for f in ["bsds500/100007.jpg", "bsds500/100039.jpg", "bsds500/100075.jpg", "imagenet/n02013706_limpkin.JPEG"] {
            try FileManager.default.copyItem(
                at: photos.appendingPathComponent(f),
                to: dir.appendingPathComponent((f as NSString).lastPathComponent))
        }
        let png = try ImageDecoder.decode(path: photos.appendingPathComponent("bsds500/101027.jpg").path).image
        try png.writePNG(to: dir.appendingPathComponent("lossless.png"))
        try FileManager.default.copyItem(
            at: TestPaths.root.appendingPathComponent("Fixtures/codecs/photo_lossy.webp"),
            to: dir.appendingPathComponent("photo_lossy.webp"))
        return dir
    }

    static func options(_ inputs: [String], out: URL, families: [String], size: Int = 128) -> SynthOptions {
        var o = SynthOptions(inputs: inputs, output: out.path, families: families)
        o.size = size
        o.valFraction = 0.2
        o.seed = 7
        return o
    }

    static func controls(threads: Int = 1) -> SynthControls {
        var c = SynthControls()
        c.threads = threads
        c.progress = false
        c.commandLine = ["test"]
        return c
    }

    /// Every regular file under `dir` (relative path -> bytes), hidden ones included.
    static func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: dir.path)!
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            let p = dir.appendingPathComponent(rel).path
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue {
                out[rel] = FileManager.default.contents(atPath: p)
            }
        }
        return out
    }

    /// MANIFEST.csv as rows keyed by column name.
    static func manifest(_ out: URL) throws -> [[String: String]] {
        let text = try String(contentsOf: out.appendingPathComponent("MANIFEST.csv"), encoding: .utf8)
        let rows = csv(text)
        let header = rows[0]
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    static func csv(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = Substring(text)
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" { if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false } } else { field.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" || c == "\r\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.append(c)
            }
        }
        return rows
    }
}
