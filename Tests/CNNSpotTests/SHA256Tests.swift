import CNNSpotTestSupport
import Foundation
import XCTest
import CNNSpot

final class SHA256Tests: XCTestCase {
    func testFIPSVectors() {
        // FIPS 180-4 examples (one block, two blocks) and the empty message.
        XCTAssertEqual(
            SHA256.hex(Array("abc".utf8)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            SHA256.hex([UInt8]()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testMatchesCoreutilsOnRealFiles() throws {
        let root = Repository.root
        for name in ["examples/real.png", "examples/fake.png", "Package.swift"] {
            let url = root.appendingPathComponent(name)
            let data = try Data(contentsOf: url)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            p.arguments = [url.path]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            p.waitUntilExit()
            let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
            // Feed in uneven pieces to exercise block boundaries.
            var h = SHA256()
            var offset = 0
            var step = 1
            let bytes = [UInt8](data)
            while offset < bytes.count {
                let end = min(bytes.count, offset + step)
                h.update(bytes[offset..<end])
                offset = end
                step = step * 3 + 1
            }
            XCTAssertEqual(h.finalize(), String(expected), name)
        }
    }
}
