import CNNSpotTestSupport
import CNNSpot
import Foundation
import XCTest

/// Runs the built `cnnspot` binary (CNNSpotTestSupport's `CLIProcess`) and makes small models
/// for the CLI tests.
enum CLI {
    static let root = Repository.root
    static let shared = Repository.sharedData
    /// Column of the error text in `detect`'s CSV.
    static let errorColumn = RecordWriter.columns.firstIndex(of: "error")!

    static func binary() throws -> URL { try CLIProcess.binary() }

    typealias Output = CLIProcess.Output

    static func run(_ args: [String], stdin: String? = nil) throws -> Output { try CLIProcess.run(args, stdin: stdin) }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("cnnspot-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// A ResNet-18 with the closed-formula synthetic weights, as safetensors (about 45 MB).
    static func syntheticModel(in dir: URL, arch: ResNetSpec.Architecture = .resnet18, threshold: Double = 0.5) throws -> String {
        let spec = ResNetSpec(arch)
        let path = dir.appendingPathComponent("\(arch.rawValue)-synthetic.safetensors").path
        try ModelExport.writeSafetensors(SyntheticWeights.stateDict(spec), spec: spec, to: path, threshold: threshold)
        return path
    }

    /// `<dir>/data/{train,val}/realesrgan/{0_real,1_fake}`: links to the first `train` / `val`
    /// images per class of MiniSynths v1. Returns the `data` folder (a `train --dataroot`).
    static func linkMiniSynths(into dir: URL, train: Int, val: Int) throws -> URL {
        let source = shared.appendingPathComponent("minisynths")
        let fm = FileManager.default
        for (split, n) in [("train", train), ("val", val)] {
            for label in ["0_real", "1_fake"] {
                let from = source.appendingPathComponent("\(split)/realesrgan/\(label)")
                let to = dir.appendingPathComponent("data/\(split)/realesrgan/\(label)")
                try fm.createDirectory(at: to, withIntermediateDirectories: true)
                for name in try fm.contentsOfDirectory(atPath: from.path).filter({ $0.hasSuffix(".png") }).sorted().prefix(n) {
                    try fm.createSymbolicLink(at: to.appendingPathComponent(name), withDestinationURL: from.appendingPathComponent(name))
                }
            }
        }
        return dir.appendingPathComponent("data")
    }

    /// Parses simple CSV (quoted fields allowed) into rows of fields.
    static func csv(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" { if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false } } else { field.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}

extension XCTestCase {
    /// A fresh folder under the system's temporary folder, removed when the test ends.
    func scratchDirectory(_ name: String) throws -> URL {
        let d = try CLI.temporaryDirectory(name)
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
        return d
    }
}
