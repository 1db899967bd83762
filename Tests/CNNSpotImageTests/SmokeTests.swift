import XCTest
import CNNSpotImage
final class CNNSpotImageSmokeTests: XCTestCase { func testLinks() { XCTAssertTrue(true) } }
