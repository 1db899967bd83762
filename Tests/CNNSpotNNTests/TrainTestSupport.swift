import CNNSpotTestSupport
import Foundation
import XCTest
import CNNSpotNN

/// Reads the fixtures of scripts/fixtures/make_nn_train_fixtures.py: little-endian float32
/// C-order .npy files under Fixtures/nn-train/<case>/ (CNNSpotTestSupport's `NpyFixture`).
enum TrainFixture {
    static let root = Repository.root
    static let dir = root.appendingPathComponent("Fixtures/nn-train")

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func load(_ caseName: String, _ name: String) throws -> HostTensor {
        let url = dir.appendingPathComponent(caseName).appendingPathComponent(name + ".npy")
        let npy = try NpyFixture.read(url)
        let data = try npy.floats()
        guard data.count == npy.shape.reduce(1, *) else {
            throw Failure(description: "\(url.path): \(data.count) values for shape \(npy.shape)")
        }
        return HostTensor(shape: npy.shape, data: data)
    }
}

/// Asserts equal shapes, then `CNNSpotTestSupport.assertClose` (`|a - e| <= atol + rtol * |e|`
/// everywhere, the worst error printed). Returns the worst absolute error.
@discardableResult
func assertTrainClose(
    _ actual: HostTensor, _ expected: HostTensor, atol: Float, rtol: Float = 0, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
) -> Float {
    XCTAssertEqual(actual.shape, expected.shape, "\(what): shape", file: file, line: line)
    guard actual.shape == expected.shape else { return .infinity }
    return assertClose(actual.data, expected.data, atol: atol, rtol: rtol, "[nn-train] \(what)", file: file, line: line)
}

extension Tensor {
    /// Test helper: a tensor from a fixture file.
    static func fixture(_ caseName: String, _ name: String) throws -> Tensor { try Tensor(TrainFixture.load(caseName, name)) }
}
