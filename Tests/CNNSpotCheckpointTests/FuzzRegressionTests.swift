import Foundation
import XCTest
import CNNSpotCheckpoint

/// Inputs the fuzzer (fuzz/) found crashing an earlier version: each must now be refused
/// with a `CheckpointError`.
final class FuzzRegressionTests: XCTestCase {
    func testFuzzerFindingsAreRefused() throws {
        let dir = Fixtures.dir.appendingPathComponent("fuzz-regressions")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let path = dir.appendingPathComponent(file).path
            XCTAssertThrowsError(try Checkpoint.load(path: path), file) { error in
                XCTAssertTrue(error is CheckpointError, "\(file): \(error)")
            }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try Checkpoint.load(data: data), file)
        }
    }
}
