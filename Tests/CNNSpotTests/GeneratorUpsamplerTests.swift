import Foundation
import XCTest
import CNNSpot

/// The generators' inference layers (conv-transpose k4 and k3 with output padding, nearest and
/// bilinear up-sampling + conv, pixel shuffle, instance norm, batch-statistics norm, ReLU,
/// leaky ReLU, tanh) composed as `GeneratorUpsampler`, against the same decoders in PyTorch
/// (scripts/fixtures/make_generator_fixtures.py, Fixtures/generators).
final class GeneratorUpsamplerTests: XCTestCase {
    static let fixtures = TestPaths.root.appendingPathComponent("Fixtures/generators")

    static func host(_ url: URL) throws -> HostTensor {
        let a = try NpyArray.read(from: url)
        guard case .float32(let v) = a.values else { throw NpyError.badShape("\(url.path): not float32") }
        return HostTensor(shape: a.shape, data: v)
    }

    static func activation(_ s: String) throws -> GeneratorActivation {
        switch s {
        case "relu": return .relu
        case "tanh": return .tanh
        case "lrelu0.2": return .leakyReLU(0.2)
        default: throw NpyError.badShape("activation \(s)")
        }
    }

    func testEveryKindMatchesPyTorch() throws {
        let cases = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter { !$0.hasSuffix(".txt") }.sorted()
        XCTAssertEqual(cases.count, 6)
        var kinds = Set<UpsamplingKind>()
        for name in cases {
            let dir = Self.fixtures.appendingPathComponent(name)
            let f = try String(contentsOf: dir.appendingPathComponent("spec.txt"), encoding: .utf8)
                .split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            let spec = GeneratorUpsampler.Spec(
                kind: try XCTUnwrap(UpsamplingKind(rawValue: f[0])), stages: Int(f[1])!, width: Int(f[2])!,
                convsPerStage: Int(f[3])!, activation: try Self.activation(f[4]),
                norm: try XCTUnwrap(GeneratorNorm(rawValue: f[5])))
            kinds.insert(spec.kind)
            var weights: StateDict = [:]
            for (key, shape) in spec.parameterShapes {
                let t = try Self.host(dir.appendingPathComponent("\(key).npy"))
                XCTAssertEqual(t.shape, shape, "\(name) \(key)")
                weights[key] = t
            }
            let net = try GeneratorUpsampler(spec: spec, weights: weights)
            let x = try Self.host(dir.appendingPathComponent("input.npy"))
            let want = try Self.host(dir.appendingPathComponent("output.npy"))
            let got = try net.forward(x)
            XCTAssertEqual(got.shape, want.shape, name)
            // Outputs have standard deviation 0.3-1; measured worst 6.7e-6, 3e-5 allowed.
            let worst = assertClose(got.data.map(Double.init), want.data.map(Double.init), tolerance: 3e-5, name)
            print("upsampler \(name): worst |swift - torch| \(worst)")
        }
        XCTAssertEqual(kinds, Set(UpsamplingKind.allCases))
    }

    func testWrongWeightsNameTheKey() throws {
        let spec = GeneratorUpsampler.Spec(kind: .nearest, stages: 1, width: 4, convsPerStage: 0, activation: .relu, norm: .none)
        var weights: StateDict = [:]
        for (key, shape) in spec.parameterShapes { weights[key] = HostTensor(zeros: shape) }
        weights["tail.weight"] = HostTensor(zeros: [3, 5, 3, 3])
        XCTAssertThrowsError(try GeneratorUpsampler(spec: spec, weights: weights)) { XCTAssertTrue("\($0)".contains("tail.weight"), "\($0)") }
        weights["tail.weight"] = HostTensor(zeros: [3, 4, 3, 3])
        weights["extra"] = HostTensor(zeros: [1])
        XCTAssertThrowsError(try GeneratorUpsampler(spec: spec, weights: weights)) { XCTAssertTrue("\($0)".contains("extra"), "\($0)") }
    }
}
