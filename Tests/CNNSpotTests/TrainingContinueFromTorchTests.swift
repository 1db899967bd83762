import CNNSpot
import Foundation
import XCTest

/// `--continue-from` on a CNNDetection training checkpoint written by torch
/// (scripts/fixtures/make_train_fixtures.py: resnet18 with one logit, Adam after 2 steps, some
/// parameters frozen so the optimizer state has index gaps, weights as strided views of shared
/// storages), then one step here against torch's step 3 on the same batch.
final class TrainingContinueFromTorchTests: XCTestCase {
    static let dir = TestPaths.root.appendingPathComponent("Fixtures/train")

    func load() throws -> (Trainer, [String: Any]) {
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: Self.dir.appendingPathComponent("expected.json"))) as? [String: Any])
        var o = TrainOptions(dataroot: "/nonexistent", name: "continue")
        o.continueFrom = Self.dir.appendingPathComponent("cnndetection_train_r18.pth").path
        var lines: [String] = []
        let trainer = try Trainer(options: o) { lines.append($0) }
        XCTAssertTrue(lines.joined().contains("resnet18"), lines.joined())
        return (trainer, expected)
    }

    func testImportsModelAdamAndSteps() throws {
        let (trainer, expected) = try load()
        XCTAssertEqual(trainer.model.spec.architecture, .resnet18, "architecture inferred from the checkpoint's keys")
        XCTAssertEqual(trainer.state.step, expected["total_steps"] as? Int)
        XCTAssertEqual(trainer.state.lr, try XCTUnwrap(expected["lr"] as? Double), accuracy: 1e-12)
        XCTAssertEqual(trainer.optimizer.beta2, 0.999)
        // Moments: keyed by name (torch indexes them by position in model.parameters()).
        let keys = try XCTUnwrap(expected["adam_keys"] as? [String])
        let moments = trainer.optimizer.exportState()
        XCTAssertEqual(Set(moments.keys), Set(keys), "Adam state for exactly the parameters torch trained")
        let avg = try NpyArray.read(from: Self.dir.appendingPathComponent("adam_exp_avg.npy")).doubles
        let avgSq = try NpyArray.read(from: Self.dir.appendingPathComponent("adam_exp_avg_sq.npy")).doubles
        var offset = 0, worst = 0.0
        for key in keys {
            let m = try XCTUnwrap(moments[key])
            XCTAssertEqual(m.step, expected["adam_step"] as? Int, key)
            XCTAssertEqual(m.expAvg.shape, trainer.model.parameter(key)?.shape, key)
            let n = m.expAvg.count
            XCTAssertLessThanOrEqual(offset + n, avg.count)
            guard offset + n <= avg.count else { return }
            for i in 0..<n {
                worst = max(worst, abs(Double(m.expAvg.data[i]) - avg[offset + i]), abs(Double(m.expAvgSq.data[i]) - avgSq[offset + i]))
            }
            offset += n
        }
        XCTAssertEqual(offset, avg.count, "moment sizes")
        print("continue-from: imported Adam moments, worst |diff| vs torch: \(worst)")
        XCTAssertEqual(worst, 0, "moments are copied from the file, so they must be exact")
    }

    /// Step 3 on torch's batch. Tolerances (float32 arithmetic in a different order than torch's):
    /// loss 1e-5 relative; gradients 2e-3 of the tensor's largest sampled gradient; parameters
    /// with imported moments 1e-7 absolute (lr 1e-4 steps); fresh parameters take a first Adam
    /// step of about ±lr · sign(grad), so there a sign can only flip where the gradient is
    /// within float error of zero: 1e-7 absolute where |grad| > 1e-4 · the tensor's scale;
    /// BN running statistics 1e-5 relative.
    func testNextStepMatchesTorch() throws {
        let (trainer, expected) = try load()
        let xs = try NpyArray.read(from: Self.dir.appendingPathComponent("step3_x.npy"))
        XCTAssertEqual(xs.shape, [4, 3, 64, 64])
        let labels = try XCTUnwrap(expected["step3_labels"] as? [Double]).map(Float.init)
        let rows = try NpyArray.read(from: Self.dir.appendingPathComponent("step3_samples.npy"))
        XCTAssertEqual(rows.shape.count, 2); XCTAssertEqual(rows.shape.last, 3)
        let table = rows.doubles
        let samples = try XCTUnwrap(expected["samples"] as? [String: [String: Any]])
        let adamKeys = Set(try XCTUnwrap(expected["adam_keys"] as? [String]))

        // The imported model equals torch's (exactly: copied from the strided storages).
        let before = trainer.model.stateDict()
        var worstBefore = 0.0
        for (key, s) in samples {
            let t = try XCTUnwrap(before[key], key)
            let idx = try XCTUnwrap(s["indices"] as? [Int]), off = try XCTUnwrap(s["offset"] as? Int)
            for (j, i) in idx.enumerated() { worstBefore = max(worstBefore, abs(Double(t.data[i]) - table[(off + j) * 3])) }
        }
        XCTAssertEqual(worstBefore, 0, "imported weights differ from torch's")

        let loss = try trainer.step(HostTensor(shape: xs.shape, data: xs.doubles.map(Float.init)), labels: labels)
        let refLoss = try XCTUnwrap(expected["step3_loss"] as? Double)
        XCTAssertEqual(Double(loss), refLoss, accuracy: 1e-5 * abs(refLoss))
        XCTAssertEqual(trainer.state.step, 3)

        let after = trainer.model.stateDict()
        XCTAssertEqual(after["bn1.num_batches_tracked"]?.data, [Float(try XCTUnwrap(expected["num_batches_tracked_after"] as? Int))])
        var worst = (grad: 0.0, moment: 0.0, fresh: 0.0, stats: 0.0)
        var flips = 0, checked = 0
        for (key, s) in samples {
            let t = try XCTUnwrap(after[key], key)
            let idx = try XCTUnwrap(s["indices"] as? [Int]), off = try XCTUnwrap(s["offset"] as? Int)
            let ref = idx.indices.map { (before: table[(off + $0) * 3], after: table[(off + $0) * 3 + 1], grad: table[(off + $0) * 3 + 2]) }
            if key.hasSuffix("running_mean") || key.hasSuffix("running_var") {
                for (j, i) in idx.enumerated() {
                    worst.stats = max(worst.stats, abs(Double(t.data[i]) - ref[j].after) / max(1, abs(ref[j].after)))
                }
                continue
            }
            let grad = try XCTUnwrap(trainer.model.gradient(key), key)
            let scale = ref.map { abs($0.grad) }.max() ?? 0
            for (j, i) in idx.enumerated() {
                if scale > 0 { worst.grad = max(worst.grad, abs(Double(grad.data[i]) - ref[j].grad) / scale) }
                let d = abs(Double(t.data[i]) - ref[j].after)
                if adamKeys.contains(key) {
                    worst.moment = max(worst.moment, d)
                } else if abs(ref[j].grad) > 1e-4 * scale {
                    worst.fresh = max(worst.fresh, d); checked += 1
                } else if d > 1e-7 {
                    flips += 1
                }
            }
        }
        print(
            "continue-from step 3 vs torch: loss \(loss) vs \(refLoss); worst grad err \(worst.grad) (of scale), "
                + "params with moments \(worst.moment), fresh params \(worst.fresh) over \(checked) samples (\(flips) near-zero-gradient sign flips), "
                + "BN stats \(worst.stats) (relative)")
        XCTAssertLessThanOrEqual(worst.grad, 2e-3)
        XCTAssertLessThanOrEqual(worst.moment, 1e-7)
        XCTAssertLessThanOrEqual(worst.fresh, 1e-7)
        XCTAssertGreaterThan(checked, 1000)
        XCTAssertLessThanOrEqual(worst.stats, 1e-5)
    }

    func testRejectsWeightsOnlyAndMissingFiles() throws {
        var o = TrainOptions(dataroot: "/nonexistent", name: "continue")
        o.continueFrom = "/nonexistent/ckpt.pth"
        XCTAssertThrowsError(try Trainer(options: o) { _ in }) { XCTAssertTrue("\($0)".contains("/nonexistent/ckpt.pth"), "\($0)") }
        // A safetensors of model weights only (no optimizer) is not a training checkpoint.
        let dir = try makeTempDir(self)
        let model = try TrainableResNet(ResNetSpec(.resnet18), seed: 1)
        let path = dir.appendingPathComponent("weights.safetensors").path
        try TrainingCheckpoint.write(to: path, model: model, optimizer: nil, state: TrainingState(options: o), options: o)
        o.continueFrom = path
        XCTAssertThrowsError(try Trainer(options: o) { _ in }) { XCTAssertTrue("\($0)".contains("optimizer"), "\($0)") }
    }
}
