import Foundation
import XCTest
import CNNSpot

/// Writes a ResNet-18 with `SyntheticWeights` as safetensors (CNNSpot metadata, threshold 0.5):
/// a real network for tests without shipping weights.
func writeSyntheticModel(to url: URL, architecture: ResNetSpec.Architecture = .resnet18) throws {
    let spec = ResNetSpec(architecture)
    let dict = SyntheticWeights.stateDict(spec)
    let tensors = try spec.stateDictShapes.map { key, _ -> (key: String, tensor: CheckpointTensor) in
        let t = dict[key]!
        return (key, try CheckpointTensor(shape: t.shape, floats: t.data))
    }
    try SafeTensorsWriter.write(tensors, metadata: CNNSpotMetadata.make(for: tensors), to: url.path)
}

final class CalibrationTests: XCTestCase {
    /// Scores of a detector that separates the classes imperfectly, with ties.
    func sampleScores(seed: UInt64 = 11, reals: Int = 120, fakes: Int = 80) throws -> LabeledScores {
        var state = seed
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        // Reals in [0, 0.7], fakes in [0.3, 1], on a 0.01 grid (ties).
        let r = (0..<reals).map { _ in (uniform() * 70).rounded() / 100 }
        let f = (0..<fakes).map { _ in (30 + uniform() * 70).rounded() / 100 }
        return try LabeledScores(scores: r + f, labels: [Int](repeating: 0, count: reals) + [Int](repeating: 1, count: fakes))
    }

    func testTargetsParse() throws {
        XCTAssertEqual(try CalibrationTarget(parsing: "best-balanced"), .bestBalanced)
        XCTAssertEqual(try CalibrationTarget(parsing: "fpr:0.05"), .falsePositiveRate(0.05))
        for bad in ["fpr:1.5", "fpr:-0.1", "fpr:", "best", "tpr:0.9"] {
            XCTAssertThrowsError(try CalibrationTarget(parsing: bad), bad) { XCTAssertTrue("\($0)".contains(bad), "\($0)") }
        }
    }

    func testBestBalancedIsTheBestThresholdOfTheSet() throws {
        let data = try sampleScores()
        let r = try Calibration.fit(data, target: .bestBalanced, previousThreshold: 0.5)
        XCTAssertNil(r.note)
        XCTAssertEqual(r.threshold, try Metrics.bestBalancedAccuracy(data).threshold)
        XCTAssertEqual(r.before, Metrics.counts(data, threshold: 0.5))
        XCTAssertEqual(r.after, Metrics.counts(data, threshold: r.threshold))
        // No threshold (every distinct score, and below the lowest) does better.
        let candidates = Set(data.scores).union([data.scores.min()!.nextDown])
        let best = candidates.map { Metrics.counts(data, threshold: $0).balancedAccuracy! }.max()!
        XCTAssertEqual(r.after.balancedAccuracy!, best, accuracy: 1e-15)
        XCTAssertGreaterThan(r.after.balancedAccuracy!, r.before.balancedAccuracy!)
        print("calibration: balanced accuracy \(r.before.balancedAccuracy!) at 0.5 -> \(r.after.balancedAccuracy!) at \(r.threshold)")
    }

    func testFalsePositiveTargetIsTheLowestAdmissibleThreshold() throws {
        let data = try sampleScores(seed: 5)
        for target in [0.0, 0.05, 0.1, 0.5] {
            let r = try Calibration.fit(data, target: .falsePositiveRate(target), previousThreshold: 0.5)
            let fpr = Double(r.after.falsePositives) / Double(data.realCount)
            XCTAssertLessThanOrEqual(fpr, target, "target \(target)")
            // The next lower score as threshold would call more reals fake than allowed.
            if let lower = data.scores.filter({ $0 < r.threshold }).max() {
                let next = Metrics.counts(data, threshold: lower.nextDown)
                XCTAssertGreaterThan(Double(next.falsePositives) / Double(data.realCount), target, "target \(target)")
            }
        }
    }

    func testThresholdIsKeptInsideTheOpenInterval() throws {
        let data = try LabeledScores(scores: [0, 0.2, 0.4, 0.6, 1.0, 1.0], labels: [0, 1, 0, 1, 1, 0])
        let r = try Calibration.fit(data, target: .falsePositiveRate(1), previousThreshold: 0.5)
        XCTAssertLessThan(r.operatingPoint.threshold, 0)
        XCTAssertGreaterThan(r.threshold, 0); XCTAssertLessThan(r.threshold, 1)
        XCTAssertNotNil(r.note)
        XCTAssertEqual(r.after, Metrics.counts(data, threshold: r.threshold))
        XCTAssertThrowsError(
            try Calibration.fit(
                try LabeledScores(scores: [0.1, 0.2], labels: [0, 0]), target: .bestBalanced,
                previousThreshold: 0.5))
    }

    func testWrittenModelCarriesThresholdAndSameTensors() throws {
        let dir = try makeTempDir(self)
        let model = dir.appendingPathComponent("m.safetensors"), out = dir.appendingPathComponent("m.cal.safetensors")
        try writeSyntheticModel(to: model)
        let t = 0.3141592653589793
        let meta = try Calibration.writeModel(from: model.path, to: out.path, threshold: t, calibration: ["target": "best-balanced", "n": 12])
        XCTAssertEqual(meta[CNNSpotMetadata.threshold], "0.3141592653589793")
        let a = try Checkpoint.load(path: model.path), b = try Checkpoint.load(path: out.path)
        XCTAssertEqual(b.metadata[CNNSpotMetadata.architecture], "resnet18")
        XCTAssertEqual(b.metadata["calibration"], #"{"n":12,"target":"best-balanced"}"#)
        let ta = try a.floatStateDict().sorted { $0.key < $1.key }, tb = try b.floatStateDict().sorted { $0.key < $1.key }
        XCTAssertEqual(ta.map(\.key), tb.map(\.key))
        XCTAssertEqual(ta.map(\.shape), tb.map(\.shape))
        XCTAssertTrue(zip(ta, tb).allSatisfy { $0.values == $1.values }, "tensors must be copied unchanged")
        XCTAssertEqual(try Detector.load(path: out.path).threshold, t)
        XCTAssertThrowsError(try Calibration.writeModel(from: model.path, to: out.path, threshold: 1, calibration: [:]))

        // A .pth (DataParallel keys) is converted: 'module.' stripped, CNNSpot metadata added.
        let pth = TestPaths.root.appendingPathComponent("Fixtures/checkpoints/dataparallel.pth").path
        let out2 = dir.appendingPathComponent("dp.safetensors")
        try Calibration.writeModel(from: pth, to: out2.path, threshold: 0.25, calibration: [:])
        let c = try Checkpoint.load(path: out2.path)
        XCTAssertEqual(c.metadata[CNNSpotMetadata.threshold], "0.25")
        XCTAssertEqual(c.metadata[CNNSpotMetadata.format], CNNSpotMetadata.formatValue)
        // Safetensors stores by dtype size (the int64 counter first): compare by key.
        let src = try Checkpoint.load(path: pth).floatStateDict(stripModulePrefix: true).sorted { $0.key < $1.key }
        let dst = try c.floatStateDict().sorted { $0.key < $1.key }
        XCTAssertEqual(src.map(\.key), dst.map(\.key))
        XCTAssertFalse(dst.contains { $0.key.hasPrefix("module.") })
        XCTAssertTrue(zip(src, dst).allSatisfy { $0.values == $1.values })
    }
}
