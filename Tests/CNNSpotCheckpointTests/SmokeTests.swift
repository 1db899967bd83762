import XCTest
import CNNSpotCheckpoint
final class CNNSpotCheckpointSmokeTests: XCTestCase { func testLinks() { XCTAssertTrue(true) } }
