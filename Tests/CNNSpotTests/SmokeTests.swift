import XCTest
import CNNSpot
final class CNNSpotSmokeTests: XCTestCase { func testLinks() { XCTAssertTrue(true) } }
