import CNNSpot
import Foundation
import XCTest

/// `cnnspot detect` end to end: the built binary, a real model file, real and broken images.
final class DetectCommandTests: XCTestCase {
    func testScoresFolderWithCorruptFileAndMatchesLibrary() throws {
        let dir = try CLI.temporaryDirectory("detect")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try CLI.syntheticModel(in: dir)
        let images = dir.appendingPathComponent("imgs")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let sources = ["examples/real.png", "examples/fake.png", "minisynths/test/cyclegan/1_fake/db_can_01_c0.png"]
        for (i, s) in sources.enumerated() {
            try FileManager.default.copyItem(
                at: CLI.shared.appendingPathComponent(s),
                to: images.appendingPathComponent("img\(i).png"))
        }
        // A non-square JPEG (a different size: its own batch) and a truncated PNG.
        let real = try ImageDecoder.decode(path: CLI.shared.appendingPathComponent("examples/real.png").path).image
        let cropped = try crop(real, top: 10, left: 0, height: 200, width: 256)
        try Data(try ImageEncoder.jpeg(cropped, quality: 90)).write(to: images.appendingPathComponent("wide.jpg"))
        let png = try Data(contentsOf: CLI.shared.appendingPathComponent("examples/fake.png"))
        try png.prefix(png.count / 2).write(to: images.appendingPathComponent("broken.png"))

        let r = try CLI.run(["detect", images.path, "-m", model, "--format", "jsonl", "--threads", "2"])
        XCTAssertEqual(r.code, 1, "a failed input makes the exit status 1\n\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(
            rows.map { URL(fileURLWithPath: $0["path"] as! String).lastPathComponent },
            ["broken.png", "img0.png", "img1.png", "img2.png", "wide.jpg"])
        let broken = rows[0]
        XCTAssertTrue(broken["probability"] is NSNull)
        XCTAssertTrue((broken["error"] as? String ?? "").contains("broken.png"), "\(broken)")
        XCTAssertEqual(rows[4]["format"] as? String, "jpeg")
        XCTAssertEqual(rows[4]["width"] as? Int, 256)
        XCTAssertEqual(rows[4]["height"] as? Int, 200)

        // The same images through the library, one at a time (batch 1): same logits.
        let detector = try Detector.load(path: model)
        for row in rows.dropFirst() {
            let path = row["path"] as! String
            let image = try ImageDecoder.decode(path: path).image
            let x = HostTensor(shape: [1, 3, image.height, image.width], data: TensorNormalization.imageNet.chw(image))
            let logit = Double(try detector.network.logits(x)[0])
            let got = try XCTUnwrap(row["logit"] as? Double)
            XCTAssertEqual(got, logit, accuracy: 1e-4 * max(1, abs(logit)), path)
            XCTAssertEqual(row["probability"] as! Double, 1 / (1 + exp(-got)), accuracy: 1e-6)
            XCTAssertEqual(row["label"] as? String, (row["probability"] as! Double) > 0.5 ? "fake" : "real")
        }
    }

    func testListsStdinCropAndCSV() throws {
        let dir = try CLI.temporaryDirectory("detect-list")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try CLI.syntheticModel(in: dir)
        let real = CLI.shared.appendingPathComponent("examples/real.png").path
        let fake = CLI.shared.appendingPathComponent("examples/fake.png").path
        let list = dir.appendingPathComponent("list.txt")
        try "\(real)\n# a comment\n\n/nonexistent/missing.png\n".write(to: list, atomically: true, encoding: .utf8)
        let r = try CLI.run(["detect", "@\(list.path)", "-", "-m", model, "--crop", "224", "--format", "csv"], stdin: fake + "\n")
        XCTAssertEqual(r.code, 1, r.stderr)
        let rows = CLI.csv(r.stdout)
        XCTAssertEqual(rows.first, RecordWriter.columns)
        XCTAssertEqual(rows.count, 4, r.stdout)
        XCTAssertEqual(rows[1][0], real)
        XCTAssertEqual(rows[2][0], "/nonexistent/missing.png")
        XCTAssertFalse(rows[2][CLI.errorColumn].isEmpty, "missing file has an error")
        XCTAssertEqual(rows[3][0], fake)
        // --crop 224 scores the center crop: the library on the cropped image agrees.
        let detector = try Detector.load(path: model)
        let image = try centerCrop(try ImageDecoder.decode(path: real).image, height: 224, width: 224)
        let logit = try detector.network.logits(HostTensor(shape: [1, 3, 224, 224], data: TensorNormalization.imageNet.chw(image)))[0]
        XCTAssertEqual(Double(rows[1][2])!, Double(logit), accuracy: 1e-4 * max(1, abs(Double(logit))))
    }

    /// Without -m, detect scores with the default model found from the binary's place (here
    /// overridden by CNNSPOT_DEFAULT_MODEL); -m none lists image facts only.
    func testDefaultModelAndModelNone() throws {
        let dir = try CLI.temporaryDirectory("detect-default")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try CLI.syntheticModel(in: dir)
        let real = CLI.shared.appendingPathComponent("examples/real.png").path
        let explicit = CLI.csv(try CLI.run(["detect", real, "-m", model, "--format", "csv"]).stdout)
        let viaDefault = try CLI.runShell("CNNSPOT_DEFAULT_MODEL='\(model)' \"$CNNSPOT\" detect '\(real)' --format csv")
        XCTAssertEqual(viaDefault.code, 0, viaDefault.stderr)
        XCTAssertEqual(CLI.csv(viaDefault.stdout), explicit)
        let none = try CLI.run(["detect", real, "-m", "none", "--format", "csv"])
        XCTAssertEqual(none.code, 0, none.stderr)
        let rows = CLI.csv(none.stdout)
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[1][1], "", "no probability without a model")
        XCTAssertEqual(rows[1][rows[0].firstIndex(of: "width")!], "256")
        XCTAssertTrue(none.stderr.contains("-m none"), none.stderr)
        let missing = try CLI.runShell("CNNSPOT_DEFAULT_MODEL=/nonexistent/default.safetensors \"$CNNSPOT\" detect '\(real)'")
        XCTAssertNotEqual(missing.code, 0)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/default.safetensors"), missing.stderr)
    }

    func testUsageErrors() throws {
        let noInput = try CLI.run(["detect"])
        XCTAssertNotEqual(noInput.code, 0)
        let missingModel = try CLI.run(["detect", "examples", "-m", "/nonexistent/model.pth"])
        XCTAssertNotEqual(missingModel.code, 0)
        XCTAssertTrue(missingModel.stderr.contains("/nonexistent/model.pth"), missingModel.stderr)
        let dir = try CLI.temporaryDirectory("detect-bad-model")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bogus = dir.appendingPathComponent("bogus.pth")
        try Data("this is not a checkpoint".utf8).write(to: bogus)
        let bad = try CLI.run(["detect", CLI.shared.appendingPathComponent("examples").path, "-m", bogus.path])
        XCTAssertNotEqual(bad.code, 0)
        XCTAssertTrue(bad.stderr.contains("bogus.pth"), bad.stderr)
    }
}
