import Foundation
import XCTest
import CNNSpotNN

/// Training-step time of ResNet-50 at batch 16, 224x224 (forward train + BCE + backward +
/// Adam), median of 3 after one warm-up step. Opt-in (it takes a while on 2 cores):
/// `CNNSPOT_NN_TRAIN_BENCH=1 swift test -c release --skip-build --filter TrainSpeedTests`.
final class TrainSpeedTests: XCTestCase {
    func testResNet50TrainingStepSpeed() throws {
        guard ProcessInfo.processInfo.environment["CNNSPOT_NN_TRAIN_BENCH"] == "1" else {
            throw XCTSkip("set CNNSPOT_NN_TRAIN_BENCH=1 to measure")
        }
        let batch = Int(ProcessInfo.processInfo.environment["CNNSPOT_NN_TRAIN_BATCH"] ?? "16") ?? 16
        let model = try TrainableResNet(ResNetSpec(.resnet50), seed: 1)
        model.resetHead()
        let adam = Adam(model.namedParameters, lr: 1e-4)
        var rng = SeededRandom(seed: 7)
        let x = HostTensor(shape: [batch, 3, 224, 224], data: (0..<(batch * 3 * 224 * 224)).map { _ in Float(rng.normal()) })
        let labels = (0..<batch).map { Float($0 % 2) }
        var times: [Double] = [], losses: [Float] = []
        for i in 0..<4 {
            let t0 = Date()
            let (loss, _) = try model.trainingStep(x, labels: labels)
            try adam.step()
            let dt = Date().timeIntervalSince(t0)
            if i > 0 { times.append(dt) }
            losses.append(loss)
        }
        times.sort()
        print("[nn-train] ResNet-50 train step batch \(batch) 224x224, threads \(NNThreads.count): median \(times[1]) s (runs \(times)), losses \(losses)")
        XCTAssertTrue(losses.allSatisfy(\.isFinite))
    }
}
