import CNNSpot
import Foundation
import XCTest

/// Every command runs NPR and EfficientNet-Lite0 models, with `-m FILE` alone (the architecture
/// and its normalisation come from the file).
final class ArchitectureCommandTests: XCTestCase {
    func testDetectEvalCalibrateRobustnessInfoConvertOnEveryNewArchitecture() throws {
        let dir = try CLI.temporaryDirectory("arch")
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = dir.appendingPathComponent("test")
        try copyMiniSet("srvgg", to: root, name: "srvgg", count: 3)
        let image = CLI.root.appendingPathComponent("Fixtures/arch/images/bsds_100007.png").path
        for arch in [NetworkSpec.Architecture.npr, .efficientnet_lite0] {
            let model = try CLI.syntheticModel(in: dir, arch: arch)
            // detect: the logit of the architecture's own preprocessing (odd-sized full image).
            let r = try CLI.run(["detect", image, "-m", model, "--format", "csv"])
            XCTAssertEqual(r.code, 0, r.stderr)
            let rows = CLI.csv(r.stdout)
            let logit = try XCTUnwrap(Double(rows[1][rows[0].firstIndex(of: "logit")!]))
            let spec = NetworkSpec(arch)
            let net = try InferenceNetwork(spec: spec, stateDict: SyntheticWeights.stateDict(spec))
            let img = try ImageDecoder.decode(path: image).image
            let want = try net.logits(HostTensor(shape: [1, 3, img.height, img.width], data: Detector.normalization(spec).chw(img)))[0]
            XCTAssertEqual(logit, Double(want), accuracy: 1e-6 * max(1, abs(Double(want))), "\(arch) detect logit")

            let eval = try CLI.run(["eval", root.path, "-m", model, "--crop", "224", "-o", dir.appendingPathComponent("eval-\(arch)").path])
            XCTAssertEqual(eval.code, 0, "\(arch) eval: " + eval.stderr)
            let cal = try CLI.run(["calibrate", root.path, "-m", model, "-o", dir.appendingPathComponent("cal-\(arch).safetensors").path])
            XCTAssertEqual(cal.code, 0, "\(arch) calibrate: " + cal.stderr)
            XCTAssertEqual(try Detector.load(path: dir.appendingPathComponent("cal-\(arch).safetensors").path).spec.architecture, arch)
            let rob = try CLI.run([
                "robustness", root.path, "-m", model, "--blur", "0,1", "--jpeg", "none", "--resize", "none",
                "--crop", "224", "-o", dir.appendingPathComponent("rob-\(arch)").path
            ])
            XCTAssertEqual(rob.code, 0, "\(arch) robustness: " + rob.stderr)
            let info = try CLI.run(["info", model])
            XCTAssertTrue(info.stdout.contains("metadata architecture: \(arch.rawValue)"), info.stdout)
            let converted = dir.appendingPathComponent("conv-\(arch).safetensors").path
            let conv = try CLI.run(["convert", model, converted, "--fp16"])
            XCTAssertEqual(conv.code, 0, conv.stderr)
            XCTAssertTrue(conv.stdout.contains("architecture \(arch.rawValue)"), conv.stdout)
            XCTAssertEqual(try Detector.load(path: converted).spec.architecture, arch)
        }
    }

    func testTrainAcceptsEveryNewArchitecture() throws {
        let dir = try CLI.temporaryDirectory("arch-train")
        defer { try? FileManager.default.removeItem(at: dir) }
        try copyMiniSet("cyclegan", to: dir.appendingPathComponent("data/train"), name: "cyclegan", count: 2)
        try copyMiniSet("srvgg", to: dir.appendingPathComponent("data/val"), name: "srvgg", count: 2)
        for arch in ["npr", "efficientnet_lite0"] {
            let r = try CLI.run([
                "train", "--dataroot", dir.appendingPathComponent("data").path, "--name", arch, "--arch", arch,
                "-o", dir.appendingPathComponent("ck").path, "--batch-size", "2", "--crop-size", "64",
                "--load-size", "72", "--max-epochs", "1"
            ])
            XCTAssertEqual(r.code, 0, "\(arch): " + r.stderr)
            let best = dir.appendingPathComponent("ck/\(arch)/best.safetensors").path
            XCTAssertEqual(try Detector.load(path: best).spec.architecture.rawValue, arch)
        }
        let bad = try CLI.run(["train", "--dataroot", dir.path, "--name", "x", "--arch", "vgg16"])
        XCTAssertNotEqual(bad.code, 0)
        XCTAssertTrue(bad.stderr.contains("npr") && bad.stderr.contains("efficientnet_lite0"), bad.stderr)
    }
}
