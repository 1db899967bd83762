import XCTest
import CNNSpotNN
final class CNNSpotNNSmokeTests: XCTestCase { func testLinks() { XCTAssertTrue(true) } }
