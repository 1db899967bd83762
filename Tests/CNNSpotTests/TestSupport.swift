import CNNSpotTestSupport
import Foundation
import XCTest
import CNNSpot

/// Paths the tests read: the repository root, its fixtures and the shared data.
enum TestPaths {
    static let root = Repository.root
    static let fixtures = Repository.fixtures("metrics")
    static let sharedData = Repository.sharedData

    static func npy(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> NpyArray {
        try NpyArray.read(from: fixtures.appendingPathComponent(name))
    }
}

/// Largest absolute difference; fails (shape first) when counts differ.
@discardableResult
func assertClose(_ a: [Double], _ b: [Double], tolerance: Double, relativeTo scale: Double = 1,
                 _ what: String, file: StaticString = #filePath, line: UInt = #line) -> Double {
    XCTAssertEqual(a.count, b.count, "\(what): count", file: file, line: line)
    guard a.count == b.count else { return .infinity }
    var worst = 0.0
    for (x, y) in zip(a, b) {
        if x.isNaN || y.isNaN { worst = .infinity; continue }
        worst = max(worst, x == y ? 0 : abs(x - y))
    }
    XCTAssertLessThanOrEqual(worst / scale, tolerance, "\(what): worst error \(worst) (scale \(scale))", file: file, line: line)
    return worst
}

/// A fresh temporary directory removed at the end of the test.
func makeTempDir(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cnnspot-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Creates an (empty) file and its parent folders.
func touch(_ url: URL, _ contents: String = "") throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(contents.utf8).write(to: url)
}
