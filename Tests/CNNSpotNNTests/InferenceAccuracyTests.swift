import CNNSpotTestSupport
import CNNSpotNN
import Foundation
import XCTest

/// Fixtures of scripts/fixtures/make_nn_infer_fixtures.py: torchvision ResNets with
/// SyntheticWeights, eval mode, on normalised crops of real test images.
struct InferenceFixtureCase: Decodable {
    let architecture: String
    let file: String
    let shape: [Int]
    /// PyTorch in float64 (model.double()): the reference the tolerances are stated against.
    let logits_float64: [Double]
    let logits_torch_float32_batch: [Double]
    let logits_torch_float32_single: [Double]
}

enum InferenceFixtures {
    static let root = Repository.root
    static let directory = root.appendingPathComponent("Fixtures/nn-infer")

    static func manifest() throws -> [String: InferenceFixtureCase] {
        try JSONDecoder().decode(
            [String: InferenceFixtureCase].self,
            from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    }

    /// The case's input as a HostTensor (float32 little-endian file, NCHW row-major).
    static func input(_ c: InferenceFixtureCase) throws -> HostTensor {
        let data = try Data(contentsOf: directory.appendingPathComponent(c.file))
        let count = c.shape.reduce(1, *)
        precondition(data.count == count * 4, "\(c.file): \(data.count) bytes for shape \(c.shape)")
        let values = data.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        return HostTensor(shape: c.shape, data: values)
    }

    /// One network per architecture and algorithm, shared by the tests (building ResNet-50
    /// takes a second).
    nonisolated(unsafe) private static var networks: [String: InferenceNetwork] = [:]
    private static let lock = NSLock()
    static func network(_ architecture: String, _ algorithm: InferenceConvolutionAlgorithm = .fastest) throws -> InferenceNetwork {
        lock.lock()
        defer { lock.unlock() }
        let key = architecture + "/" + algorithm.rawValue
        if let n = networks[key] { return n }
        let spec = ResNetSpec(ResNetSpec.Architecture(rawValue: architecture)!, numClasses: 1)
        let n = try InferenceNetwork(spec: spec, stateDict: SyntheticWeights.stateDict(spec), algorithm: algorithm)
        networks[key] = n
        return n
    }

    /// Worst `|got - want| / max(|want|, floor)` over all values (`CNNSpotTestSupport.assertClose`
    /// with that floor, on the float64 reference).
    @discardableResult
    static func assertClose(
        _ got: [Float], _ want: [Double], relative tolerance: Double, floor: Double = 1e-2,
        _ label: String, file: StaticString = #filePath, line: UInt = #line
    ) -> Double {
        CNNSpotTestSupport.assertClose(got.map(Double.init), want, rtol: tolerance, floor: floor, label, file: file, line: line)
    }
}

/// Whole-network logits against torchvision (float64 reference), tolerance 1e-4 relative
/// (of max(|reference|, 0.01)), for both convolution algorithms.
final class InferenceAccuracyTests: XCTestCase {
    func check(_ name: String) throws {
        let c = try XCTUnwrap(try InferenceFixtures.manifest()[name], "fixture case \(name)")
        let x = try InferenceFixtures.input(c)
        for algorithm in InferenceConvolutionAlgorithm.allCases {
            let net = try InferenceFixtures.network(c.architecture, algorithm)
            let label = "\(name) [\(algorithm)\(net.usesWinograd ? ", Winograd" : "")]"
            let got = try net.logits(x)
            XCTAssertEqual(got.count, c.shape[0], "\(label): one logit per image")
            InferenceFixtures.assertClose(got, c.logits_float64, relative: 1e-4, label + " vs torch float64")
            InferenceFixtures.assertClose(got, c.logits_torch_float32_batch, relative: 1e-4, label + " vs torch float32")
        }
    }

    func testResNet50Batch3At224() throws { try check("r50_batch3_224") }
    func testResNet50NonSquare192x256() throws { try check("r50_real_192x256") }
    func testResNet50OddSize33x47() throws { try check("r50_odd_33x47") }
    func testResNet18Small64x80() throws { try check("r18_64x80") }

    /// Each image alone (N=1) gives the logit it gets inside the N=3 batch, and the reference.
    func testSingleImagesMatchBatch() throws {
        for algorithm in InferenceConvolutionAlgorithm.allCases {
            let c = try XCTUnwrap(try InferenceFixtures.manifest()["r50_batch3_224"])
            let net = try InferenceFixtures.network(c.architecture, algorithm)
            let x = try InferenceFixtures.input(c)
            let batch = try net.logits(x)
            let per = 3 * 224 * 224
            var singles: [Float] = []
            for i in 0..<3 {
                let one = HostTensor(shape: [1, 3, 224, 224], data: Array(x.data[i * per..<(i + 1) * per]))
                singles += try net.logits(one)
            }
            InferenceFixtures.assertClose(singles, batch.map(Double.init), relative: 1e-5, "N=1 vs N=3 [\(algorithm)]")
            InferenceFixtures.assertClose(singles, c.logits_float64, relative: 1e-4, "N=1 vs torch float64 [\(algorithm)]")
        }
    }
}
