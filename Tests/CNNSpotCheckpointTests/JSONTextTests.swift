import Foundation
import XCTest
import CNNSpotCheckpoint

/// Issue 13, row 14: paths in JSON were written as `a\/b` by the writers that used Foundation's
/// defaults. Every writer now goes through `JSONText`; these tests hold that in place.
final class JSONTextTests: XCTestCase {
    func testSlashesAreNotEscapedAndKeysAreSorted() throws {
        struct Row: Encodable { let path: String; let b: Int; let a: Int }
        let enc = String(decoding: try JSONText.encoder().encode(Row(path: "x/y.png", b: 1, a: 2)), as: UTF8.self)
        XCTAssertEqual(enc, #"{"a":2,"b":1,"path":"x/y.png"}"#)
        let obj = String(decoding: try JSONText.data(["z": "a/b", "c": [1]]), as: UTF8.self)
        XCTAssertEqual(obj, #"{"c":[1],"z":"a/b"}"#)
        XCTAssertTrue(String(decoding: try JSONText.data(["k": 1], pretty: true), as: UTF8.self).contains("\n"))
    }

    /// No writer in Sources builds its own encoder (which would escape `/` again): a bare
    /// `JSONEncoder()` or `JSONSerialization.data(` outside JSONText.swift fails this test.
    func testEveryWriterUsesJSONText() throws {
        let sources = Fixtures.root.appendingPathComponent("Sources")
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !$0.hasSuffix("/JSONText.swift") }
        XCTAssertGreaterThan(files.count, 100)
        for f in files {
            let text = try String(contentsOf: sources.appendingPathComponent(f), encoding: .utf8)
            for needle in ["JSONEncoder()", "JSONSerialization.data("] {
                XCTAssertFalse(text.contains(needle), "\(f) uses \(needle); use JSONText.encoder() / JSONText.data()")
            }
        }
    }
}
