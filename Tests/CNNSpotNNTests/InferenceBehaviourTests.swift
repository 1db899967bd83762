import CNNSpotNN
import Foundation
import XCTest

/// Errors, the plan cache, threads and kernel choice of `InferenceNetwork`.
final class InferenceBehaviourTests: XCTestCase {
    private func resnet18(_ mutate: (inout StateDict) -> Void = { _ in }) throws -> InferenceNetwork {
        let spec = ResNetSpec(.resnet18)
        var sd = SyntheticWeights.stateDict(spec)
        mutate(&sd)
        return try InferenceNetwork(spec: spec, stateDict: sd)
    }

    /// Deterministic input in [-1, 1].
    private func input(_ n: Int, _ h: Int, _ w: Int) -> HostTensor {
        HostTensor(shape: [n, 3, h, w], data: (0..<(n * 3 * h * w)).map { Float(sin(0.37 * Double($0))) })
    }

    private func assertError(
        _ expected: InferenceError, file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> Void
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? InferenceError, expected, "\(error)", file: file, line: line)
        }
    }

    func testRejectsBadInputs() throws {
        let net = try resnet18()
        assertError(.inputTooSmall(height: 31, width: 64, minimum: 32)) { _ = try net.logits(self.input(1, 31, 64)) }
        assertError(.inputTooSmall(height: 64, width: 20, minimum: 32)) { _ = try net.logits(self.input(1, 64, 20)) }
        let grey = HostTensor(zeros: [1, 1, 64, 64])
        assertError(.badInputShape(shape: [1, 1, 64, 64], reason: "expected 3 (RGB) channels")) { _ = try net.logits(grey) }
        let flat = HostTensor(zeros: [3, 64, 64])
        assertError(.badInputShape(shape: [3, 64, 64], reason: "expected 4 dims [N, 3, H, W]")) { _ = try net.logits(flat) }
        let empty = HostTensor(zeros: [0, 3, 64, 64])
        assertError(.badInputShape(shape: [0, 3, 64, 64], reason: "batch size must be at least 1")) { _ = try net.logits(empty) }
        let short = [Float](repeating: 0, count: 3 * 64 * 64 - 1)
        assertError(.badInputShape(shape: [1, 3, 64, 64], reason: "12287 values given, the shape needs 12288")) {
            _ = try short.withUnsafeBufferPointer { try net.logits($0, batch: 1, height: 64, width: 64) }
        }
        XCTAssertTrue(net.cachedShapes.isEmpty, "no plan built for rejected inputs")
    }

    func testRejectsBadStateDicts() throws {
        assertError(.missingKey("layer3.1.bn2.running_var")) { _ = try self.resnet18 { $0["layer3.1.bn2.running_var"] = nil } }
        assertError(.shapeMismatch(key: "fc.weight", expected: [1, 512], actual: [2, 512])) {
            _ = try self.resnet18 { $0["fc.weight"] = HostTensor(zeros: [2, 512]) }
        }
        assertError(.shapeMismatch(key: "layer1.0.conv1.weight", expected: [64, 64, 3, 3], actual: [64, 64, 1, 1])) {
            _ = try self.resnet18 { $0["layer1.0.conv1.weight"] = HostTensor(zeros: [64, 64, 1, 1]) }
        }
        assertError(.invalidValue(key: "bn1.running_var", reason: "channel 5 has variance -1.0; BatchNorm needs var + eps > 0")) {
            _ = try self.resnet18 { $0["bn1.running_var"]!.data[5] = -1 }
        }
        // Checkpoints from before PyTorch 0.4.1 have no num_batches_tracked: not needed.
        XCTAssertNoThrow(try resnet18 { sd in for k in sd.keys where k.hasSuffix("num_batches_tracked") { sd[k] = nil } })
    }

    /// At most `planCacheCapacity` shapes, least recently used dropped; cached plans give
    /// bit-identical results on reuse.
    func testPlanCacheIsBoundedLeastRecentlyUsed() throws {
        let net = try resnet18()
        net.planCacheCapacity = 2
        let a = input(1, 32, 32), b = input(1, 40, 36), c = input(2, 32, 32)
        let first = try net.logits(a)
        _ = try net.logits(b)
        XCTAssertEqual(net.cachedShapes.map { [$0.n, $0.height, $0.width] }, [[1, 32, 32], [1, 40, 36]])
        _ = try net.logits(c)
        XCTAssertEqual(net.cachedShapes.map { [$0.n, $0.height, $0.width] }, [[1, 40, 36], [2, 32, 32]])
        _ = try net.logits(b)
        XCTAssertEqual(net.cachedShapes.map { [$0.n, $0.height, $0.width] }, [[2, 32, 32], [1, 40, 36]])
        XCTAssertEqual(try net.logits(a), first, "rebuilt plan, same result")
        XCTAssertEqual(try net.logits(a), first, "cached plan, same result")
        net.clearPlanCache()
        XCTAssertTrue(net.cachedShapes.isEmpty)
        // Images differ, so their logits must too (the network is not constant).
        let two = try net.logits(c)
        XCTAssertEqual(two.count, 2)
        XCTAssertNotEqual(two[0], two[1])
    }

    func testMemoryLimitRefusesHugeBatches() throws {
        let net = try resnet18()
        net.memoryLimitBytes = 1 << 20
        XCTAssertThrowsError(try net.logits(input(1, 224, 224))) { error in
            guard case .exceedsMemoryLimit(let shape, let bytes, let limit)? = error as? InferenceError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(shape, [1, 3, 224, 224])
            XCTAssertGreaterThan(bytes, limit)
        }
        XCTAssertTrue(net.cachedShapes.isEmpty)
    }

    /// One thread and two threads (separate plans) agree to float rounding.
    func testThreadCountDoesNotChangeResults() throws {
        let net = try resnet18()
        let x = input(2, 48, 64)
        net.compute = ComputeOptions(threads: 1)
        let one = try net.logits(x)
        net.compute = ComputeOptions(threads: 2)
        let two = try net.logits(x)
        XCTAssertEqual(net.cachedShapes.count, 2, "a plan per thread count")
        InferenceFixtures.assertClose(one, two.map(Double.init), relative: 1e-5, "1 vs 2 threads")
    }

    /// Every conv uses an optimised oneDNN kernel (JIT / brgemm, never the `ref` fallback), and
    /// the only layout changes are at the input and before fc.
    func testKernelsAreOptimisedAndLayoutsStayBlocked() throws {
        let net = try InferenceFixtures.network("resnet50")
        let impls = try net.implementations(batch: 1, height: 224, width: 224)
        print(impls.map { "\($0.step): \($0.implementation)" }.joined(separator: "\n"))
        XCTAssertEqual(impls.filter { $0.step.contains(".conv") || $0.step.contains("downsample") || $0.step == "conv1" }.count, 53)
        for (step, impl) in impls {
            XCTAssertFalse(impl.hasPrefix("ref"), "\(step) runs the reference kernel \(impl)")
        }
        let reorders = impls.map(\.step).filter { $0.contains("reorder") || $0.contains("to plain") }
        XCTAssertTrue(Set(reorders).isSubset(of: ["input reorder", "avgpool to plain"]), "\(reorders)")
    }

    /// Conv + fc FLOPs of ResNet-50 at 224: torchvision lists 4.09 GFLOPS (multiply-adds) for
    /// the 1000-class model; ours has a 1-output fc (2M multiply-adds fewer), 2 FLOPs per MAC.
    func testFlopCountMatchesTorchvisionFigure() throws {
        let net = try InferenceFixtures.network("resnet50")
        let macs = net.flops(height: 224, width: 224) / 2
        XCTAssertEqual(macs / 1e9, 4.09 - 0.002, accuracy: 0.01)
    }

    /// The copy-free pointer entry point gives the HostTensor result bit for bit.
    func testPointerEntryPointMatchesHostTensor() throws {
        let net = try resnet18()
        let x = input(2, 36, 52)
        let viaTensor = try net.logits(x)
        let viaPointer = try x.data.withUnsafeBufferPointer { try net.logits($0, batch: 2, height: 36, width: 52) }
        XCTAssertEqual(viaTensor.count, 2)
        XCTAssertEqual(viaPointer, viaTensor)
    }

    /// One network shared by several threads: calls are serialised and each gets its own answer.
    func testSharedNetworkFromSeveralThreads() throws {
        let net = try resnet18()
        let inputs = (0..<4).map { i in
            HostTensor(shape: [1, 3, 32 + 4 * (i % 2), 40], data: (0..<(3 * (32 + 4 * (i % 2)) * 40)).map { Float(sin(0.1 * Double($0 + 97 * i))) })
        }
        let serial = try inputs.map { try net.logits($0) }
        net.clearPlanCache()
        let results = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: inputs.count)
        results.initialize(repeating: [])
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: inputs.count) { i in
            results[i] = (try? net.logits(inputs[i])) ?? []
        }
        for i in 0..<inputs.count {
            XCTAssertEqual(results[i], serial[i], "input \(i)")
        }
    }
}

/// Mixed-size images grouped into same-size batches.
final class InferenceImagesTests: XCTestCase {
    func testMixedSizesMatchOneByOneInInputOrder() throws {
        let net = try InferenceNetwork(spec: ResNetSpec(.resnet18), stateDict: SyntheticWeights.stateDict(ResNetSpec(.resnet18)))
        let sizes = [(32, 40), (48, 32), (32, 40), (20, 40), (32, 40), (48, 32)]
        let images = sizes.enumerated().map { i, s in
            HostTensor(shape: [3, s.0, s.1], data: (0..<(3 * s.0 * s.1)).map { Float(sin(0.05 * Double($0) + Double(i))) })
        }
        let results = net.logits(images: images, maxBatch: 2)
        XCTAssertEqual(results.count, images.count)
        // (32, 40) x3 with maxBatch 2 -> batches of 2 and 1; (48, 32) x2 -> one batch of 2.
        XCTAssertEqual(Set(net.cachedShapes.map { [$0.n, $0.height, $0.width] }), [[2, 32, 40], [1, 32, 40], [2, 48, 32]])
        for (i, image) in images.enumerated() {
            if i == 3 {
                guard case .failure(let error) = results[i] else { return XCTFail("20x40 image must fail") }
                XCTAssertEqual(error as? InferenceError, .inputTooSmall(height: 20, width: 40, minimum: 32))
                continue
            }
            let alone = try net.logits(HostTensor(shape: [1] + image.shape, data: image.data))
            let grouped = try results[i].get()
            XCTAssertEqual(grouped.count, 1)
            InferenceFixtures.assertClose(grouped, alone.map(Double.init), relative: 1e-5, "image \(i) grouped vs alone")
        }
    }
}
