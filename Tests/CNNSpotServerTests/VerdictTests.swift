import CNNSpot
import XCTest

/// The verdict rule from model metadata: threshold, optional uncertain band, bad metadata.
final class VerdictTests: XCTestCase {
    func testThresholdOnly() throws {
        let rule = try Verdict.Rule(metadata: ["threshold": "0.3"])
        XCTAssertNil(rule.band)
        XCTAssertEqual(rule.verdict(0.3001), .fake, "p > threshold is fake")
        XCTAssertEqual(rule.verdict(0.3), .real, "the threshold itself is real (score > t is fake, as calibrate counts)")
        XCTAssertEqual(try Verdict.Rule(metadata: [:]).threshold, 0.5)
    }

    func testBand() throws {
        let rule = try Verdict.Rule(metadata: ["threshold": "0.5", "uncertain_low": "0.2", "uncertain_high": "0.8"])
        XCTAssertEqual(rule.band, 0.2...0.8)
        XCTAssertEqual(rule.verdict(0.2), .real, "p <= low is real")
        XCTAssertEqual(rule.verdict(0.2001), .uncertain)
        XCTAssertEqual(rule.verdict(0.5), .uncertain)
        XCTAssertEqual(rule.verdict(0.8), .uncertain, "high itself is uncertain")
        XCTAssertEqual(rule.verdict(0.8001), .fake, "p > high is fake")
        let plain = rule.overridingThreshold(0.6)
        XCTAssertNil(plain.band)
        XCTAssertEqual(plain.verdict(0.6), .real)
        XCTAssertEqual(plain.verdict(0.6001), .fake)
    }

    func testBadMetadataIsAnErrorNamingTheKey() {
        for (meta, key) in [
            (["threshold": "1.5"], "threshold"), (["uncertain_low": "0.2"], "uncertain_high"),
            (["uncertain_low": "0.9", "uncertain_high": "0.1"], "uncertain_low"),
            (["uncertain_low": "x", "uncertain_high": "0.5"], "uncertain_low")
        ] {
            XCTAssertThrowsError(try Verdict.Rule(metadata: meta)) { e in
                XCTAssertTrue("\(e)".contains(key), "\(e)")
            }
        }
    }
}
