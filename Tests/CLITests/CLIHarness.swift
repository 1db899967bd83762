import CNNSpotTestSupport
import CNNSpot
import Foundation
import XCTest

/// Runs the built `cnnspot` binary (scripts/test.sh builds it before the tests) and makes
/// small models for the CLI tests.
enum CLI {
    static let root = Repository.root
    static let shared = Repository.sharedData
    /// Column of the error text in `detect`'s CSV.
    static let errorColumn = RecordWriter.columns.firstIndex(of: "error")!

    static func binary() throws -> URL {
        // CNNSPOT_BINARY points the tests at another build (e.g. .build/debug/cnnspot while iterating).
        let u =
            ProcessInfo.processInfo.environment["CNNSPOT_BINARY"].map { URL(fileURLWithPath: $0) }
            ?? root.appendingPathComponent(".build/release/cnnspot")
        guard FileManager.default.isExecutableFile(atPath: u.path) else {
            XCTFail("\(u.path) is not built: run `swift build -c release` first (scripts/test.sh does)")
            throw CocoaError(.fileNoSuchFile)
        }
        return u
    }

    struct Output { var code: Int32; var stdout: String; var stderr: String }

    static func run(_ args: [String], stdin: String? = nil) throws -> Output {
        let p = Process()
        p.executableURL = try binary()
        p.arguments = args
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a full pipe cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        p.waitUntilExit()
        return Output(
            code: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

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
