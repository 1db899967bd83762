import Foundation
import XCTest
import CNNSpot

final class RecordWriterTests: XCTestCase {
    private func lines(_ format: RecordWriter.Format, _ records: [DetectionRecord]) -> [String] {
        var out = ""
        let w = RecordWriter(format: format) { out += $0 }
        records.forEach(w.write)
        return out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    let records = [
        DetectionRecord(
            path: "a,b \"q\".png", probability: 0.25, logit: -1.0986122886681098, label: "real",
            verdict: "uncertain", width: 256, height: 192, format: "png"),
        DetectionRecord.failed("broken.jpg", "truncated JPEG: premature end of data")
    ]

    func testCSVQuotesAndColumns() {
        let l = lines(.csv, records)
        XCTAssertEqual(l[0], "path,probability,logit,label,verdict,width,height,format,error")
        XCTAssertEqual(l[1], "\"a,b \"\"q\"\".png\",0.25,-1.0986122886681098,real,uncertain,256,192,png,")
        XCTAssertEqual(l[2], "broken.jpg,,,,,,,,truncated JPEG: premature end of data")
        XCTAssertEqual(l.count, 4)  // trailing newline
    }

    func testJSONLinesParseBack() throws {
        let l = lines(.jsonl, records).filter { !$0.isEmpty }
        XCTAssertEqual(l.count, 2)
        let first = try JSONSerialization.jsonObject(with: Data(l[0].utf8)) as! [String: Any]
        XCTAssertEqual(first["path"] as? String, "a,b \"q\".png")
        XCTAssertEqual(first["probability"] as? Double, 0.25)
        // Foundation's JSON parser on Linux is not correctly rounded; check the text round-trips.
        XCTAssertTrue(l[0].contains("\"logit\":-1.0986122886681098,"), l[0])
        XCTAssertEqual(first["width"] as? Int, 256)
        XCTAssertEqual(first["verdict"] as? String, "uncertain")
        XCTAssertTrue(first["error"] is NSNull)
        let second = try JSONSerialization.jsonObject(with: Data(l[1].utf8)) as! [String: Any]
        XCTAssertTrue(second["probability"] is NSNull)
        XCTAssertEqual(second["error"] as? String, "truncated JPEG: premature end of data")
    }

    func testJSONEscapesControlCharacters() throws {
        let odd = "tab\there\u{01}bell\u{1f}\"quote\\slash\nline é"
        let line = lines(.jsonl, [DetectionRecord.failed(odd, "x")])[0]
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        XCTAssertEqual(parsed["path"] as? String, odd)
        XCTAssertFalse(line.contains("\u{01}"), "raw control characters must be escaped")
    }

    func testSigmoidIsStableAtExtremes() {
        XCTAssertEqual(sigmoid(0), 0.5)
        XCTAssertEqual(sigmoid(800), 1.0)
        XCTAssertEqual(sigmoid(-800), 0.0)
        XCTAssertEqual(sigmoid(-30), 1 / (1 + exp(30)), accuracy: 1e-25)
        XCTAssertEqual(sigmoid(2), 1 / (1 + exp(-2)), accuracy: 1e-16)
    }
}
