import Foundation
import XCTest
import CNNSpotCheckpoint

/// Every file of Fixtures/checkpoints/malicious must be refused with the expected error kind and
/// a message naming the culprit; nothing is executed and nothing large is allocated.
final class MaliciousCorpusTests: XCTestCase {
    func kind(_ error: CheckpointError) -> String {
        switch error {
        case .io: return "io"
        case .fileTooLarge: return "fileTooLarge"
        case .unknownFormat: return "unknownFormat"
        case .malformedPickle: return "malformedPickle"
        case .unsupportedOpcode: return "unsupportedOpcode"
        case .forbiddenGlobal: return "forbiddenGlobal"
        case .badCall: return "badCall"
        case .limitExceeded: return "limitExceeded"
        case .badArchive: return "badArchive"
        case .badLegacyFormat: return "badLegacyFormat"
        case .badStorage: return "badStorage"
        case .badTensor: return "badTensor"
        case .badSafeTensors: return "badSafeTensors"
        case .missing: return "missing"
        case .typeMismatch: return "typeMismatch"
        }
    }

    func testEveryBadFileIsRefusedClearly() throws {
        let expected = try XCTUnwrap(try Fixtures.json("malicious/expected.json") as? [String: [String: String]])
        XCTAssertGreaterThan(expected.count, 40)
        let before = peakResidentBytes()
        for (file, want) in expected.sorted(by: { $0.key < $1.key }) {
            do {
                _ = try Checkpoint.load(path: Fixtures.path("malicious/" + file))
                XCTFail("\(file): loaded without error")
            } catch let error as CheckpointError {
                XCTAssertEqual(kind(error), want["error"], "\(file): \(error)")
                if let needle = want["contains"], !needle.isEmpty {
                    XCTAssertTrue(error.description.contains(needle), "\(file): '\(error)' does not mention '\(needle)'")
                }
            } catch {
                XCTFail("\(file): not a CheckpointError: \(error)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/cnnspot_pwned"), "a payload ran")
        let growth = peakResidentBytes() - before
        print("malicious corpus: \(expected.count) files refused; peak RSS growth \(growth >> 20) MiB")
        XCTAssertLessThan(growth, 512 << 20, "a forged size caused a large allocation")
    }

    /// Loading from memory takes the same checks (the fuzzer's entry point).
    func testRefusedFromMemoryToo() throws {
        for file in ["os_system.pth", "os_system_legacy.pth", "huge_numel.pth", "st_overlap.safetensors", "deep_lists.pth"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("malicious/" + file)))
            XCTAssertThrowsError(try Checkpoint.load(data: data), file)
        }
    }

    private func peakResidentBytes() -> Int {
        var usage = rusage()
        #if os(Linux)
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            return Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
        #else
            getrusage(RUSAGE_SELF, &usage)
            return Int(usage.ru_maxrss)  // bytes on macOS
        #endif
    }
}
