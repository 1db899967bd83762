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

/// Largest absolute difference within `tolerance * scale` (`CNNSpotTestSupport.assertClose`
/// with that atol and no rtol); fails (count first) when counts differ.
@discardableResult
func assertClose(
    _ a: [Double], _ b: [Double], tolerance: Double, relativeTo scale: Double = 1,
    _ what: String, file: StaticString = #filePath, line: UInt = #line
) -> Double {
    CNNSpotTestSupport.assertClose(a, b, atol: tolerance * scale, rtol: 0, what, file: file, line: line)
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
