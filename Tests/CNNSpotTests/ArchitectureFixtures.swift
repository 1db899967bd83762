import Foundation
import XCTest
import CNNSpot

/// Fixtures of scripts/fixtures/make_arch_fixtures.py (Fixtures/arch): an NPR checkpoint written
/// by PyTorch (random weights, real BatchNorm statistics, float16) in three formats, test
/// images, PyTorch logits per architecture and case, and one training step per architecture.
enum ArchFixtures {
    static let directory = TestPaths.root.appendingPathComponent("Fixtures/arch")

    struct Case: Decodable {
        let image: String
        let crop: Int?
        let shape: [Int]
        let logit_float64: Double
        let logit_float32: Double
    }

    static func manifest() throws -> [String: [Case]] {
        try JSONDecoder().decode([String: [Case]].self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json")))
    }

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The case's image, decoded, cropped and normalised as `normalization` says: `[1, 3, H, W]`.
    static func input(_ c: Case, _ normalization: TensorNormalization) throws -> HostTensor {
        var image = try ImageDecoder.decode(path: path("images/" + c.image)).image
        if let crop = c.crop { image = try centerCrop(image, height: crop, width: crop) }
        return HostTensor(shape: [1, 3, image.height, image.width], data: normalization.chw(image))
    }

    /// A float32 `.npy` of a step case as a HostTensor.
    static func npy(_ dir: String, _ name: String) throws -> HostTensor {
        let a = try NpyArray.read(from: directory.appendingPathComponent(dir).appendingPathComponent(name + ".npy"))
        return HostTensor(shape: a.shape, data: a.doubles.map { Float($0) })
    }

    static func resnetStepInput(_ name: String) throws -> HostTensor {
        let a = try NpyArray.read(from: TestPaths.root.appendingPathComponent("Fixtures/nn-train/resnet50_step/\(name).npy"))
        return HostTensor(shape: a.shape, data: a.doubles.map { Float($0) })
    }

    /// `|got - want| / |want|`, asserted within `tolerance`; returns it.
    @discardableResult
    static func assertRelative(
        _ got: Float, _ want: Double, _ tolerance: Double, _ what: String,
        file: StaticString = #filePath, line: UInt = #line
    ) -> Double {
        let e = abs(Double(got) - want) / max(abs(want), 1e-12)
        print("[arch] \(what): \(got) vs torch float64 \(want), relative error \(e)")
        XCTAssertLessThanOrEqual(e, tolerance, what, file: file, line: line)
        return e
    }
}
