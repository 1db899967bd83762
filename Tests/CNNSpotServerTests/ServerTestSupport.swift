import CNNSpotTestSupport
import CNNSpot
@testable import CNNSpotServer
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import NIOCore
import XCTest

/// Models, images and request builders shared by the server tests.
enum ServerTest {
    static let root = Repository.root
    static let examples = root.appendingPathComponent("examples")
    static var realPath: String { examples.appendingPathComponent("real.png").path }
    static var fakePath: String { examples.appendingPathComponent("fake.png").path }

    private static let lock = NSLock()
    private static var models: [String: String] = [:]

    /// A ResNet-18 with the closed-formula synthetic weights (as the CLI tests make one),
    /// written once per metadata variant into a temporary folder.
    static func modelPath(extra: [String: String] = [:], threshold: Double = 0.5) throws -> String {
        let key = "\(threshold)|" + extra.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        lock.lock(); defer { lock.unlock() }
        if let p = models[key] { return p }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cnnspot-serve-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let spec = ResNetSpec(.resnet18)
        let path = dir.appendingPathComponent("r18-\(models.count).safetensors").path
        try ModelExport.writeSafetensors(
            SyntheticWeights.stateDict(spec), spec: spec, to: path, threshold: threshold,
            extraMetadata: extra)
        models[key] = path
        return path
    }

    static func service(
        _ configure: (inout ServerConfiguration) -> Void = { _ in }, extra: [String: String] = [:],
        threshold: Double = 0.5, start: Bool = true
    ) throws -> DetectionService {
        var c = ServerConfiguration()
        configure(&c)
        let model = try scoringModel(try modelPath(extra: extra, threshold: threshold))
        let s = DetectionService(model: model, configuration: c)
        if start { try s.start() }
        return s
    }

    private static var loaded: [String: ScoringModel] = [:]

    /// One `ScoringModel` per file, shared by the tests (loading hashes the file, slow in debug).
    static func scoringModel(_ path: String) throws -> ScoringModel {
        lock.lock(); defer { lock.unlock() }
        if let m = loaded[path] { return m }
        let m = try ScoringModel.load(path: path)
        loaded[path] = m
        return m
    }

    /// The file's SHA-256 from coreutils' `sha256sum` (an independent reference).
    static func sha256sum(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    static func app(_ service: DetectionService) -> some ApplicationProtocol {
        var logger = Logger(label: "cnnspot.serve.test")
        logger.logLevel = .warning
        return Application(router: DetectionServer(service: service, logger: logger).router(), logger: logger)
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    private static var reference: Detector?
    static func referenceDetector() throws -> Detector {
        lock.lock(); defer { lock.unlock() }
        if let d = reference { return d }
        lock.unlock()
        let d = try Detector.load(path: try modelPath())
        lock.lock()
        reference = d
        return d
    }

    /// The library's logit for one image file, batch 1, computed without the server.
    static func libraryLogit(_ path: String, crop: Int? = nil) throws -> Double {
        let detector = try referenceDetector()
        let image = try TestTimePreprocessing(crop: crop).apply(try ImageDecoder.decode(path: path).image)
        let x = HostTensor(shape: [1, 3, image.height, image.width], data: TensorNormalization.imageNet.chw(image))
        return Double(try detector.network.logits(x)[0])
    }

    /// A multipart/form-data body of `file` parts (and any other named parts).
    static func multipart(
        _ parts: [(name: String, filename: String?, type: String, bytes: [UInt8])],
        boundary: String = "cnnspot-test-boundary-1234"
    ) -> (body: ByteBuffer, contentType: String) {
        var b = ByteBuffer()
        for p in parts {
            b.writeString("--\(boundary)\r\n")
            b.writeString("Content-Disposition: form-data; name=\"\(p.name)\"" + (p.filename.map { "; filename=\"\($0)\"" } ?? "") + "\r\n")
            b.writeString("Content-Type: \(p.type)\r\n\r\n")
            b.writeBytes(p.bytes)
            b.writeString("\r\n")
        }
        b.writeString("--\(boundary)--\r\n")
        return (b, "multipart/form-data; boundary=\(boundary)")
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        let data = Data(response.body.readableBytesView)
        guard let j = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            XCTFail("not a JSON object: \(String(decoding: data, as: UTF8.self))")
            return [:]
        }
        return j
    }

    static func results(_ response: TestResponse) throws -> [[String: Any]] {
        try json(response)["results"] as? [[String: Any]] ?? []
    }

    static func errorCode(_ response: TestResponse) throws -> String? {
        (try json(response)["error"] as? [String: Any])?["code"] as? String
    }

    /// A valid PNG whose IHDR then claims `width x height` (CRC fixed, so only the size lies).
    static func pngDeclaring(width: UInt32, height: UInt32) throws -> [UInt8] {
        var png = try ImageEncoder.png(RGBImage(width: 8, height: 8))
        // Signature (8) + length (4) + "IHDR" (4): width at 16, height at 20, CRC at 29.
        func put(_ v: UInt32, at i: Int) { for k in 0..<4 { png[i + k] = UInt8((v >> (24 - 8 * UInt32(k))) & 0xff) } }
        put(width, at: 16); put(height, at: 20)
        put(crc32(Array(png[12..<29])), at: 29)
        return png
    }

    /// CRC-32 (ISO-HDLC, as PNG and zlib use), bitwise.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0xedb8_8320 : c >> 1 }
        }
        return ~c
    }
}
