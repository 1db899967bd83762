import Foundation
import XCTest
import CNNSpot

/// A stand-in model: logit = mean of the image's values; records the batch shapes it saw.
private final class MeanModel: LogitModel {
    var shapes: [[Int]] = []
    func logits(_ batch: HostTensor) throws -> [Float] {
        shapes.append(batch.shape)
        let per = batch.count / batch.shape[0]
        return (0..<batch.shape[0]).map { n in batch.data[(n * per)..<((n + 1) * per)].reduce(0, +) / Float(per) }
    }
}

private struct Missing: Error, CustomStringConvertible { var description: String }

final class DetectionRunnerTests: XCTestCase {
    private func image(_ w: Int, _ h: Int, value: UInt8) -> RGBImage {
        RGBImage(width: w, height: h, pixels: [UInt8](repeating: value, count: w * h * 3))
    }

    func testBatchesBySizeKeepsOrderAndReportsErrors() {
        // 40 images in three sizes, one broken file, one too small.
        var table: [String: RGBImage] = [:]
        var paths: [String] = []
        for i in 0..<40 {
            let size = [(64, 48), (40, 40), (64, 48), (33, 90)][i % 4]
            table["img\(i)"] = image(size.0, size.1, value: UInt8(i * 5))
            paths.append("img\(i)")
        }
        paths.insert("broken.png", at: 7)
        table["tiny"] = image(16, 40, value: 1)
        paths.insert("tiny", at: 20)
        let model = MeanModel()
        let runner = DetectionRunner(model: model, threshold: 0.5, normalization: .unit) { p in
            guard let im = table[p] else { throw Missing(description: "\(p): not a PNG file") }
            return .init(image: im, format: "png")
        }
        runner.batchSize = 4
        var records: [DetectionRecord] = []
        runner.run(paths) { records.append($0) }

        XCTAssertEqual(records.map(\.path), paths, "one record per input, in input order")
        XCTAssertEqual(records[7].error, "broken.png: not a PNG file")
        XCTAssertNil(records[7].probability)
        XCTAssertTrue(records[20].error?.contains("16x40") ?? false, records[20].error ?? "nil")
        for r in records where r.path.hasPrefix("img") {
            let i = Int(r.path.dropFirst(3))!
            let expected = Double(UInt8(i * 5)) / 255
            XCTAssertEqual(r.logit!, expected, accuracy: 1e-4, r.path)  // Float sums in MeanModel
            XCTAssertEqual(r.probability!, 1 / (1 + exp(-r.logit!)), accuracy: 1e-12)
            XCTAssertEqual(r.label, r.probability! > 0.5 ? "fake" : "real")
            XCTAssertNil(r.error)
        }
        // Every batch holds one size only, at most 4 images, and nothing is batch size 1
        // unless a size group's remainder is 1.
        for s in model.shapes {
            XCTAssertEqual(s.count, 4)
            XCTAssertLessThanOrEqual(s[0], 4)
            XCTAssertEqual(s[1], 3)
        }
        XCTAssertEqual(model.shapes.map { $0[0] }.reduce(0, +), 40)
        XCTAssertLessThan(model.shapes.count, 20, "images were not batched")
    }

    func testLargeImagesGetSmallerBatches() {
        let model = MeanModel()
        let images = (0..<5).map { _ in image(128, 128, value: 9) } + (0..<5).map { _ in image(32, 32, value: 9) }
        let runner = DetectionRunner(model: model, threshold: 0.5) { .init(image: images[Int($0)!], format: "png") }
        runner.batchSize = 8
        runner.maxBatchPixels = 2 * 128 * 128
        var n = 0
        runner.run((0..<10).map(String.init)) { r in
            XCTAssertNil(r.error); n += 1
        }
        XCTAssertEqual(n, 10)
        XCTAssertEqual(model.shapes.map { $0[0] }, [2, 2, 1, 5], "128x128: 2 per batch; 32x32: all 5 in one")
    }

    func testModelFailureMarksOnlyItsBatch() {
        final class Failing: LogitModel {
            struct Boom: Error {}
            func logits(_ batch: HostTensor) throws -> [Float] {
                if batch.shape[2] == 50 { throw Boom() }
                return [Float](repeating: 0, count: batch.shape[0])
            }
        }
        let images = ["a": image(40, 40, value: 0), "b": image(40, 50, value: 0), "c": image(40, 40, value: 0)]
        let runner = DetectionRunner(model: Failing(), threshold: 0.5) { .init(image: images[$0]!, format: "png") }
        var records: [DetectionRecord] = []
        runner.run(["a", "b", "c"]) { records.append($0) }
        XCTAssertEqual(records.map { $0.error == nil }, [true, false, true])
        XCTAssertEqual(records[0].probability, 0.5)
    }
}
