import CNNSpotNN
import Foundation
import XCTest

/// `InferencePrecision.bf16` against torchvision's float64 logits (the fixtures of
/// scripts/fixtures/make_nn_infer_fixtures.py): bf16 rounds every activation and weight to 8
/// significant bits, so the bound is stated per case from the float64 reference, and the kernels
/// are checked to be oneDNN's bf16 ones where the CPU has AVX-512 BF16.
final class InferencePrecisionTests: XCTestCase {
    func network(_ architecture: String, _ precision: InferencePrecision) throws -> InferenceNetwork {
        let spec = ResNetSpec(ResNetSpec.Architecture(rawValue: architecture)!, numClasses: 1)
        return try InferenceNetwork(spec: spec, stateDict: SyntheticWeights.stateDict(spec), precision: precision)
    }

    /// Every fixture case within 2e-2 of the float64 logit, relative to max(|logit|, 0.1); fp32
    /// on the same cases is within 1e-4 (InferenceAccuracyTests), so this bound is bf16's own.
    func testBF16LogitsAgainstFloat64() throws {
        try XCTSkipUnless(InferencePrecision.bf16.isSupported, "oneDNN has no optimised bf16 kernel on this CPU")
        var nets: [String: InferenceNetwork] = [:]
        var worst = 0.0
        for (name, c) in try InferenceFixtures.manifest().sorted(by: { $0.key < $1.key }) {
            let net = try nets[c.architecture] ?? network(c.architecture, .bf16)
            nets[c.architecture] = net
            let got = try net.logits(try InferenceFixtures.input(c))
            worst = max(worst, InferenceFixtures.assertClose(got, c.logits_float64, relative: 2e-2, floor: 0.1, "\(name) [bf16]"))
        }
        // bf16 is not fp32: if the worst error were at fp32's level the bf16 path would not be in use.
        XCTAssertGreaterThan(worst, 1e-4, "bf16 logits as close as fp32's: the network did not run in bf16")
    }

    /// The convolutions run on oneDNN's bf16 kernels (AVX-512 BF16 on this CPU), the head in f32.
    func testBF16Kernels() throws {
        try XCTSkipUnless(InferencePrecision.hasNativeBF16, "this CPU has no AVX-512 BF16 instructions")
        let net = try network("resnet50", .bf16)
        XCTAssertFalse(net.usesWinograd)
        let steps = try net.implementations(batch: 2, height: 64, width: 64)
        let convs = steps.filter { $0.step.hasPrefix("conv") || $0.step.hasPrefix("layer") }
        XCTAssertEqual(convs.count, 53, "ResNet-50 has 53 convolutions")
        for s in convs { XCTAssertTrue(s.implementation.contains("bf16"), "\(s.step): \(s.implementation)") }
        XCTAssertLessThan(net.weightBytes, try network("resnet50", .fp32).weightBytes * 6 / 10, "bf16 weights take half the bytes")
    }

    /// bf16 and fp32 networks agree in shape handling: odd sizes, batch vs single image.
    func testBF16BatchEqualsSingle() throws {
        try XCTSkipUnless(InferencePrecision.bf16.isSupported, "oneDNN has no optimised bf16 kernel on this CPU")
        let net = try network("resnet18", .bf16)
        let c = try XCTUnwrap(try InferenceFixtures.manifest()["r18_64x80"])
        let x = try InferenceFixtures.input(c)
        let batch = try net.logits(x)
        let per = x.shape[1] * x.shape[2] * x.shape[3]
        for i in 0..<x.shape[0] {
            let one = try net.logits(HostTensor(shape: [1] + Array(x.shape.dropFirst()), data: Array(x.data[i * per..<(i + 1) * per])))
            XCTAssertEqual(Double(one[0]), Double(batch[i]), accuracy: 2e-2 * max(abs(Double(batch[i])), 0.1), "image \(i)")
        }
    }
}
