import CNNSpot
import Foundation
import XCTest

/// A ForenSynths tree of symlinks to the first `train`/`val` images per label of
/// minisynths/realesrgan: `<dir>/{train,val}/realesrgan/{0_real,1_fake}/*.png`.
func makeMiniSynthsSubset(_ test: XCTestCase, train: Int, val: Int) throws -> URL {
    let dir = try makeTempDir(test)
    let source = TestPaths.sharedData.appendingPathComponent("minisynths")
    let fm = FileManager.default
    for (split, n) in [("train", train), ("val", val)] {
        for label in ["0_real", "1_fake"] {
            let from = source.appendingPathComponent("\(split)/realesrgan/\(label)")
            let to = dir.appendingPathComponent("\(split)/realesrgan/\(label)")
            try fm.createDirectory(at: to, withIntermediateDirectories: true)
            let names = try fm.contentsOfDirectory(atPath: from.path).filter { $0.hasSuffix(".png") }.sorted().prefix(n)
            XCTAssertEqual(names.count, n, "minisynths \(split)/\(label) has too few images")
            for name in names {
                try fm.createSymbolicLink(at: to.appendingPathComponent(name), withDestinationURL: from.appendingPathComponent(name))
            }
        }
    }
    return dir
}

/// The data side of training: epoch orders, the class-balanced sampler, the capped validation
/// subset, and the loader's independence from thread count and timing.
final class TrainingDataTests: XCTestCase {
    func labelled(_ labels: [Int]) -> TrainingData {
        TrainingData(
            images: labels.enumerated().map { LabeledImage(path: "/x/\($0.offset).png", label: $0.element) },
            root: "/x")
    }

    func testEpochOrderIsASeededPermutation() {
        let data = labelled(Array(repeating: 0, count: 50) + Array(repeating: 1, count: 50))
        let a = data.order(epoch: 0, seed: 7, classBalance: false)
        XCTAssertEqual(a.count, 100)
        XCTAssertEqual(a.sorted(), Array(0..<100), "not a permutation")
        XCTAssertEqual(a, data.order(epoch: 0, seed: 7, classBalance: false), "same (seed, epoch) must give the same order")
        XCTAssertNotEqual(a, data.order(epoch: 1, seed: 7, classBalance: false), "epochs must differ")
        XCTAssertNotEqual(a, data.order(epoch: 0, seed: 8, classBalance: false), "seeds must differ")
        XCTAssertNotEqual(a, Array(0..<100), "not shuffled")
    }

    /// WeightedRandomSampler(1 / count[label], replacement=True): with 1 fake per 9 reals the
    /// labels come out about 50/50, and fakes repeat. 10,000 draws: the fake share's standard
    /// deviation is 0.005; the bound 0.47...0.53 is six of them.
    func testClassBalanceDrawsLabelsEvenly() {
        let data = labelled(Array(repeating: 0, count: 9000) + Array(repeating: 1, count: 1000))
        let order = data.order(epoch: 3, seed: 1, classBalance: true)
        XCTAssertEqual(order.count, 10_000)
        XCTAssertTrue(order.allSatisfy { (0..<10_000).contains($0) })
        let fakeShare = Double(order.filter { $0 >= 9000 }.count) / 10_000
        XCTAssertGreaterThan(fakeShare, 0.47); XCTAssertLessThan(fakeShare, 0.53)
        XCTAssertLessThan(Set(order).count, 10_000, "sampling is with replacement")
        let uniformShare = Double(data.order(epoch: 3, seed: 1, classBalance: false).prefix(1000).filter { $0 >= 9000 }.count) / 1000
        XCTAssertLessThan(uniformShare, 0.2, "without balancing the share stays near 10%")
    }

    func testValidationSubsetIsFixedAndCapped() {
        let data = labelled(Array(repeating: 0, count: 40) + Array(repeating: 1, count: 40))
        let s = data.subset(limit: 16, seed: 5)
        XCTAssertEqual(s.images.count, 16)
        XCTAssertEqual(s.images, data.subset(limit: 16, seed: 5).images)
        XCTAssertEqual(s.images.map(\.path), s.images.map(\.path).sorted { Int($0.dropFirst(3).dropLast(4))! < Int($1.dropFirst(3).dropLast(4))! })
        XCTAssertEqual(data.subset(limit: nil, seed: 5).images.count, 80)
        XCTAssertEqual(data.subset(limit: 500, seed: 5).images.count, 80)
    }

    func testDiscoverAndClassFilter() throws {
        let root = try makeMiniSynthsSubset(self, train: 3, val: 2)
        let train = try TrainingData.discover(root.appendingPathComponent("train").path)
        XCTAssertEqual(train.images.count, 6)
        XCTAssertEqual(train.realCount, 3); XCTAssertEqual(train.fakeCount, 3)
        XCTAssertEqual(try TrainingData.discover(root.appendingPathComponent("train").path, classes: ["realesrgan"]).images.count, 6)
        XCTAssertThrowsError(try TrainingData.discover(root.appendingPathComponent("train").path, classes: ["airplane"])) { e in
            XCTAssertTrue("\(e)".contains("airplane") && "\(e)".contains("realesrgan"), "\(e)")
        }
        XCTAssertThrowsError(try TrainingData.discover(root.appendingPathComponent("nothing").path))
    }

    /// Batches depend on (seed, epoch, position) only: one loader thread or three, the same
    /// values; a loader started at batch 2 gives batches 2... of a full pass; an unreadable file
    /// is skipped with its path named, the rest of its batch kept.
    func testLoaderIsDeterministicAndSkipsBadImages() throws {
        let root = try makeMiniSynthsSubset(self, train: 6, val: 1)
        var data = try TrainingData.discover(root.appendingPathComponent("train").path)
        let bad = root.appendingPathComponent("broken.png")
        try Data("not a png".utf8).write(to: bad)
        data = TrainingData(images: data.images + [LabeledImage(path: bad.path, label: 1)], root: data.root)
        var aug = AugmentationOptions.blurJPEG(prob: 0.5)
        aug.loadSize = 72; aug.crop = .random(32)
        let pipeline = try AugmentationPipeline(options: aug)
        let order = data.order(epoch: 2, seed: 9, classBalance: false)
        func pass(workers: Int, start: Int = 0) -> [TrainingBatch] {
            let loader = TrainingBatchLoader(
                data: data, indices: order, batchSize: 4, pipeline: pipeline, seed: 9,
                streamTag: 2, startBatch: start, workers: workers)
            var out: [TrainingBatch] = []
            while let b = loader.next() { out.append(b) }
            return out
        }
        let serial = pass(workers: 1), parallel = pass(workers: 3)
        XCTAssertEqual(serial.count, 4)
        XCTAssertEqual(serial.map(\.labels.count).reduce(0, +), 12, "12 good images, one skipped")
        XCTAssertEqual(serial.flatMap(\.skipped).count, 1)
        XCTAssertTrue(serial.flatMap(\.skipped).first?.contains("broken.png") ?? false)
        for (a, b) in zip(serial, parallel) {
            XCTAssertEqual(a.x.shape, b.x.shape)
            XCTAssertEqual(a.x.data, b.x.data, "loader output depends on thread count")
            XCTAssertEqual(a.labels, b.labels)
        }
        let late = pass(workers: 2, start: 2)
        XCTAssertEqual(late.count, 2)
        XCTAssertEqual(late.map(\.x.data), serial[2...].map(\.x.data))
        XCTAssertEqual(serial[0].x.shape, [4, 3, 32, 32])
        // Labels follow the order's images.
        XCTAssertEqual(serial[0].labels, order.prefix(4).map { Float(data.images[$0].label) })
    }
}
