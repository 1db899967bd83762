import CNNSpotTestSupport
import Foundation
import XCTest
import CNNSpotCheckpoint

/// Paths and expected values written by scripts/fixtures/make_checkpoint_fixtures.py.
enum Fixtures {
    static let root = Repository.root
    static let dir = root.appendingPathComponent("Fixtures/checkpoints")

    static func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static let expected: [String: Any] = (try? json("expected.json")) ?? [:]

    static func expectedTensors(_ file: String) throws -> [[String: Any]] {
        let entry = try XCTUnwrap(expected[file] as? [String: Any], "no expected entry for \(file)")
        return try XCTUnwrap(entry["tensors"] as? [[String: Any]])
    }
}

/// Asserts key, dtype, shape (first), then every value exactly; reports the worst error.
func assertTensorsMatch(
    _ actual: [NamedTensor], _ expected: [[String: Any]], file: String,
    sourceFile: StaticString = #filePath, line: UInt = #line
) throws {
    XCTAssertEqual(actual.map(\.key), expected.map { $0["key"] as? String ?? "?" }, "\(file): keys", file: sourceFile, line: line)
    guard actual.count == expected.count else { return }
    var worst: Double = 0
    for (a, e) in zip(actual, expected) {
        XCTAssertEqual(a.tensor.dtype.rawValue, e["dtype"] as? String, "\(file) \(a.key): dtype", file: sourceFile, line: line)
        let shape = (e["shape"] as? [NSNumber])?.map(\.intValue) ?? [-1]
        XCTAssertEqual(a.tensor.shape, shape, "\(file) \(a.key): shape", file: sourceFile, line: line)
        XCTAssertEqual(a.tensor.isContiguous, e["contiguous"] as? Bool, "\(file) \(a.key): contiguity", file: sourceFile, line: line)
        guard a.tensor.shape == shape else { continue }
        let values = (e["values"] as? [NSNumber]) ?? []
        if a.tensor.dtype == .int64 {
            let ints = try a.tensor.int64Values()
            XCTAssertEqual(ints, values.map(\.int64Value), "\(file) \(a.key): int64 values", file: sourceFile, line: line)
        }
        let floats = try a.tensor.floatValues()
        XCTAssertEqual(floats.count, values.count, "\(file) \(a.key): count", file: sourceFile, line: line)
        for (x, y) in zip(floats, values) {
            let expectedFloat = Float(y.doubleValue)
            worst = max(worst, Double(abs(x - expectedFloat)))
            if x != expectedFloat {
                XCTFail("\(file) \(a.key): \(x) != \(expectedFloat)", file: sourceFile, line: line)
                break
            }
        }
    }
    print("\(file): \(actual.count) tensors, worst abs error \(worst) (tolerance 0: exact)")
}
