import CNNSpotTestSupport
import Foundation
import XCTest
import CNNSpot

/// A stand-in model whose logit is a fixed weighted mean of its input tensor: any change of a
/// pixel, of the crop or of the perturbation changes the score, so the scores tell exactly
/// which tensor the sweep fed it.
final class FingerprintModel: LogitModel {
    static func logit(_ values: ArraySlice<Float>) -> Float {
        var s: Float = 0
        for (i, v) in values.enumerated() { s += v * Float(sin(Double(i) * 0.37)) }
        return s / Float(values.count)
    }

    func logits(_ batch: HostTensor) throws -> [Float] {
        let per = batch.count / batch.shape[0]
        return (0..<batch.shape[0]).map { n in Self.logit(batch.data[(n * per)..<((n + 1) * per)]) }
    }
}

/// Copies `n` reals and `n` fakes of a minisynths test set into `root/<name>/{0_real,1_fake}`.
func makeMiniSet(_ root: URL, name: String, from family: String, count n: Int) throws {
    try MiniSynths.copyTestSet(family, into: root, name: name, count: n)
}

final class RobustnessTests: XCTestCase {
    /// Each perturbation against the reference libraries (Fixtures/analysis/perturbations.json:
    /// SciPy gaussian_filter per channel into uint8, Pillow JPEG, Pillow bilinear resize).
    func testPerturbationsMatchSciPyAndPillow() throws {
        let url = TestPaths.root.appendingPathComponent("Fixtures/analysis/perturbations.json")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let cases = try XCTUnwrap(json["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 9)
        let image = try ImageDecoder.decode(path: TestPaths.sharedData.appendingPathComponent("examples/real.png").path).image
        for c in cases {
            let p = try XCTUnwrap(Perturbation(rawValue: c["perturbation"] as! String))
            let level = (c["level"] as! NSNumber).doubleValue
            let out = try p.apply(image, level: level)
            if let w = c["width"] as? Int, let h = c["height"] as? Int {
                XCTAssertEqual([out.width, out.height], [w, h], "\(p) \(level): size")
            } else {
                XCTAssertEqual([out.width, out.height], [image.width, image.height])
            }
            XCTAssertEqual(SHA256.hex(out.pixels), c["sha256"] as? String, "\(p) \(level): pixels differ from the reference")
        }
    }

    func testIdentityLevelsAndValidation() throws {
        let image = try ImageDecoder.decode(path: TestPaths.sharedData.appendingPathComponent("examples/fake.png").path).image
        XCTAssertEqual(try Perturbation.blur.apply(image, level: 0), image)
        XCTAssertEqual(try Perturbation.resize.apply(image, level: 1), image)
        XCTAssertNotEqual(try Perturbation.jpeg.apply(image, level: 100), image, "JPEG 100 still re-compresses")
        for (p, bad) in [(Perturbation.jpeg, 101.0), (.jpeg, 50.5), (.jpeg, 0), (.blur, -1), (.blur, .nan), (.resize, 0), (.resize, 5)] {
            XCTAssertThrowsError(try p.validate(bad), "\(p) \(bad)") { XCTAssertTrue("\($0)".contains("robustness:"), "\($0)") }
        }
        var s = RobustnessSettings()
        s.blurSigmas = []; s.jpegQualities = []; s.resizeFactors = []
        XCTAssertThrowsError(try s.validate())
        s.blurSigmas = [0]; s.maxPerSet = 1
        XCTAssertThrowsError(try s.validate())
    }

    func testSubsetTakesHalfRealsHalfFakes() throws {
        let dir = try makeTempDir(self)
        for i in 0..<10 { try touch(dir.appendingPathComponent("s/0_real/r\(i).png")) }
        for i in 0..<3 { try touch(dir.appendingPathComponent("s/1_fake/f\(i).png")) }
        let set = try XCTUnwrap(ForenSynthsLayout.discover(dir.appendingPathComponent("s").path).sets.first)
        XCTAssertEqual([set.realCount, set.fakeCount], [10, 3])
        let a = RobustnessEvaluation.subset(set, max: 4)
        XCTAssertEqual(a.images.map { ($0.path as NSString).lastPathComponent }, ["r0.png", "r1.png", "f0.png", "f1.png"])
        let b = RobustnessEvaluation.subset(set, max: 8)  // only 3 fakes: reals fill up
        XCTAssertEqual([b.realCount, b.fakeCount], [5, 3])
        XCTAssertEqual(RobustnessEvaluation.subset(set, max: nil).images.count, 13)
    }

    /// The model sees exactly crop(perturb(decode(file))) at every level, and each row's metrics
    /// are the metrics of that level's scores.
    func testSweepFeedsPerturbedCroppedImagesAndRowsMatchScores() throws {
        let dir = try makeTempDir(self)
        try makeMiniSet(dir, name: "cyc", from: "cyclegan", count: 2)
        try makeMiniSet(dir, name: "srv", from: "srvgg", count: 2)
        let sets = try ForenSynthsLayout.discover(dir.path).sets
        XCTAssertEqual(sets.map(\.name), ["cyc", "srv"])
        var settings = RobustnessSettings()
        settings.blurSigmas = [0, 2]; settings.jpegQualities = [50]; settings.resizeFactors = [0.5]
        settings.preprocessing = TestTimePreprocessing(crop: 64)
        settings.batchSize = 3
        var progressed = 0
        let result = try RobustnessEvaluation.run(model: FingerprintModel(), sets: sets, settings: settings) { progressed += $0 }
        XCTAssertEqual(progressed, 8 * 4)
        XCTAssertEqual(result.rows.count, 4 * 3, "4 levels x (2 sets + mean)")
        XCTAssertEqual(result.scores.count, 4)
        XCTAssertTrue(result.warnings.isEmpty, "\(result.warnings)")
        var worst = 0.0
        for (p, level, images) in result.scores {
            XCTAssertEqual(images.count, 8)
            for s in images {
                let decoded = try ImageDecoder.decode(path: s.path).image
                let input = try settings.preprocessing.apply(p.apply(decoded, level: level))
                XCTAssertEqual([input.width, input.height], [64, 64])
                let expected = Double(FingerprintModel.logit(TensorNormalization.imageNet.chw(input)[...]))
                let got = try XCTUnwrap(s.logit, "\(s.path): \(s.error ?? "")")
                worst = max(worst, abs(got - expected))
                XCTAssertEqual(s.probability, sigmoid(got))
            }
            for set in ["cyc", "srv"] {
                let mine = images.filter { $0.setName == set }
                let data = try LabeledScores(scores: mine.map { $0.probability! }, labels: mine.map(\.label))
                let row = try XCTUnwrap(result.rows.first { $0.perturbation == p && $0.level == level && $0.set == set })
                XCTAssertEqual(row.averagePrecision, try Metrics.averagePrecision(data))
                XCTAssertEqual(row.auc, try Metrics.rocAUC(data))
                let c = Metrics.counts(data, threshold: 0.5)
                XCTAssertEqual(row.accuracy, c.accuracy); XCTAssertEqual(row.realAccuracy, c.realAccuracy)
                XCTAssertEqual(row.fakeAccuracy, c.fakeAccuracy)
                XCTAssertEqual([row.count, row.failed], [4, 0])
            }
            let rows = result.rows.filter { $0.perturbation == p && $0.level == level }
            let mean = try XCTUnwrap(rows.first { $0.set == "mean" })
            let ap = rows.filter { $0.set != "mean" }.map { $0.averagePrecision! }
            XCTAssertEqual(mean.averagePrecision!, ap.reduce(0, +) / 2, accuracy: 1e-15)
            XCTAssertEqual(mean.count, 8)
        }
        print("robustness sweep: worst |logit - expected| = \(worst)")
        XCTAssertEqual(worst, 0, "the sweep must feed exactly crop(perturb(image))")
        // The blurred inputs differ from the clean ones (the level is really applied).
        let clean = result.scores[0].images.map { $0.probability! }, blurred = result.scores[1].images.map { $0.probability! }
        XCTAssertNotEqual(clean, blurred)
    }

    func testBrokenFilesAreCountedAndCacheBoundIsReported() throws {
        let dir = try makeTempDir(self)
        try makeMiniSet(dir, name: "one", from: "cyclegan", count: 2)
        try Data("not a png".utf8).write(to: dir.appendingPathComponent("one/0_real/zz_broken.png"))
        let sets = try ForenSynthsLayout.discover(dir.appendingPathComponent("one").path).sets
        var settings = RobustnessSettings()
        settings.blurSigmas = [0, 1]; settings.jpegQualities = []; settings.resizeFactors = []
        settings.preprocessing = TestTimePreprocessing(crop: 32)
        let result = try RobustnessEvaluation.run(model: FingerprintModel(), sets: sets, settings: settings)
        for row in result.rows {
            XCTAssertEqual([row.count, row.failed], [4, 1], "\(row)")
        }
        let broken = result.scores[0].images.first { $0.path.hasSuffix("zz_broken.png") }
        XCTAssertNotNil(broken?.error)
        XCTAssertFalse(result.warnings.contains { $0.contains("cache") }, "\(result.warnings)")
        settings.cacheBytes = 0
        let uncached = try RobustnessEvaluation.run(model: FingerprintModel(), sets: sets, settings: settings)
        XCTAssertTrue(uncached.warnings.contains { $0.contains("did not fit in the cache") }, "\(uncached.warnings)")
        XCTAssertEqual(uncached.scores.map { $0.images.map(\.probability) }, result.scores.map { $0.images.map(\.probability) })
    }

    func testReportFiles() throws {
        let dir = try makeTempDir(self)
        try makeMiniSet(dir, name: "cyc", from: "cyclegan", count: 2)
        let sets = try ForenSynthsLayout.discover(dir.path).sets
        var settings = RobustnessSettings()
        settings.blurSigmas = [0, 3]; settings.jpegQualities = [90, 40]; settings.resizeFactors = []
        settings.preprocessing = TestTimePreprocessing(crop: 32)
        let result = try RobustnessEvaluation.run(model: FingerprintModel(), sets: sets, settings: settings)
        let out = dir.appendingPathComponent("out")
        let written = try result.write(to: out)
        XCTAssertEqual(
            Set(written),
            [
                "robustness.csv", "scores.csv", "robustness.json", "blur_ap.png", "blur_acc.png",
                "jpeg_ap.png", "jpeg_acc.png"
            ])
        let csv = try String(contentsOf: out.appendingPathComponent("robustness.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(csv[0], ["perturbation", "level", "set", "ap", "accuracy", "real_acc", "fake_acc", "auc", "n", "failed"])
        XCTAssertEqual(csv.count, 1 + 4 * 2)
        XCTAssertEqual(
            csv[1...].map { "\($0[0]) \($0[1]) \($0[2])" },
            ["blur 0 cyc", "blur 0 mean", "blur 3 cyc", "blur 3 mean", "jpeg 90 cyc", "jpeg 90 mean", "jpeg 40 cyc", "jpeg 40 mean"])
        XCTAssertEqual(Double(csv[1][3]), result.rows[0].averagePrecision)
        for name in written where name.hasSuffix(".png") {
            let png = try ImageDecoder.decode(path: out.appendingPathComponent(name).path).image
            XCTAssertEqual([png.width, png.height], [860, 540], name)
        }
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("robustness.json"))) as? [String: Any])
        XCTAssertEqual((json["rows"] as? [[String: Any]])?.count, 8)
        XCTAssertEqual(((json["rows"] as? [[String: Any]])?.first?["ap"] as? NSNumber)?.doubleValue, result.rows[0].averagePrecision)
        let plot = result.plot(.jpeg, metric: .accuracy)
        XCTAssertTrue(plot.xReversed)
        XCTAssertEqual(plot.series.map(\.name), ["cyc"], "one set: no mean line")
    }
}
