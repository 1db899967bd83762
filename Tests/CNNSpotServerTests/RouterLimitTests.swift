import CNNSpot
@testable import CNNSpotServer
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import XCTest

/// Every limit answers with its own status and JSON error code, and the server goes on.
final class RouterLimitTests: XCTestCase {
    func testMediaTypesPixelsSizeAndBrokenImages() async throws {
        let service = try ServerTest.service {
            $0.maxBodyBytes = 1 << 20; $0.maxPixels = 512 * 512
        }
        let real = try ServerTest.bytes(ServerTest.realPath)
        let bomb = try ServerTest.pngDeclaring(width: 100_000, height: 100_000)
        XCTAssertThrowsError(try ImageDecoder.decode(data: bomb, name: "bomb"))  // the crafted file is what we think
        let tiny = try ImageEncoder.png(RGBImage(width: 16, height: 16))
        let cases: [(String, String?, [UInt8], HTTPResponse.Status, String)] = [
            ("text/plain", "text/plain", Array("hello".utf8), .unsupportedMediaType, "unsupported_media_type"),
            ("no type", nil, real, .unsupportedMediaType, "unsupported_media_type"),
            ("bomb", "image/png", bomb, .contentTooLarge, "too_many_pixels"),
            ("random", "image/jpeg", SeededBytes(seed: 1).nextArray(2048), .unsupportedMediaType, "unsupported_image"),
            ("truncated", "image/png", Array(real.prefix(real.count / 3)), .unprocessableContent, "truncated_image"),
            ("empty", "image/png", [], .unprocessableContent, "empty_image"),
            ("tiny", "image/png", tiny, .unprocessableContent, "image_too_small"),
            ("too big", "image/png", real + [UInt8](repeating: 0, count: 1 << 20), .contentTooLarge, "body_too_large")
        ]
        try await ServerTest.app(service).test(.router) { client in
            for (what, type, bytes, status, code) in cases {
                var headers: HTTPFields = [:]
                if let type { headers[.contentType] = type }
                try await client.execute(uri: "/v1/detect", method: .post, headers: headers, body: ByteBuffer(bytes: bytes)) { r in
                    XCTAssertEqual(r.status, status, what)
                    XCTAssertEqual(try ServerTest.errorCode(r), code, what)
                    XCTAssertEqual(r.headers[.contentType], "application/json; charset=utf-8", what)
                }
            }
            // Still scoring afterwards.
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: real)
            ) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertNotNil(try ServerTest.results(r).first?["logit"] as? Double)
            }
        }
    }

    func testMultipartLimitsAndMalformedBodies() async throws {
        let service = try ServerTest.service {
            $0.maxFiles = 3; $0.maxParts = 100
        }
        let real = try ServerTest.bytes(ServerTest.realPath)
        try await ServerTest.app(service).test(.router) { client in
            let many = ServerTest.multipart((0..<10_000).map { ("x\($0)", nil, "text/plain", [UInt8(65)]) })
            try await client.execute(uri: "/v1/detect", method: .post, headers: [.contentType: many.contentType], body: many.body) { r in
                XCTAssertEqual(r.status, .contentTooLarge)
                XCTAssertEqual(try ServerTest.errorCode(r), "too_many_parts")
            }
            let files = ServerTest.multipart((0..<4).map { ("file", "f\($0).png", "image/png", real) })
            try await client.execute(uri: "/v1/detect", method: .post, headers: [.contentType: files.contentType], body: files.body) { r in
                XCTAssertEqual(r.status, .contentTooLarge)
                XCTAssertEqual(try ServerTest.errorCode(r), "too_many_files")
            }
            let noFile = ServerTest.multipart([("image", "a.png", "image/png", real)])
            try await client.execute(uri: "/v1/detect", method: .post, headers: [.contentType: noFile.contentType], body: noFile.body) { r in
                XCTAssertEqual(r.status, .badRequest)
                XCTAssertEqual(try ServerTest.errorCode(r), "no_file")
            }
            var cut = ServerTest.multipart([("file", "a.png", "image/png", real)]).body
            cut.moveWriterIndex(to: cut.writerIndex - 40)
            try await client.execute(
                uri: "/v1/detect", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=cnnspot-test-boundary-1234"], body: cut
            ) { r in
                XCTAssertEqual(r.status, .badRequest)
                XCTAssertEqual(try ServerTest.errorCode(r), "bad_multipart")
            }
            for type in ["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\(String(repeating: "b", count: 71))"] {
                try await client.execute(uri: "/v1/detect", method: .post, headers: [.contentType: type], body: files.body) { r in
                    XCTAssertEqual(r.status, .badRequest, type)
                    XCTAssertEqual(try ServerTest.errorCode(r), "bad_multipart", type)
                }
            }
        }
    }

    func testFullQueueIs503WithRetryAfterAndTimeoutIs504() async throws {
        let full = try ServerTest.service {
            $0.queueCapacity = 1; $0.retryAfterSeconds = 3
        }
        let real = try ServerTest.bytes(ServerTest.realPath)
        let two = ServerTest.multipart([("file", "a.png", "image/png", real), ("file", "b.png", "image/png", real)])
        try await ServerTest.app(full).test(.router) { client in
            try await client.execute(uri: "/v1/detect", method: .post, headers: [.contentType: two.contentType], body: two.body) { r in
                XCTAssertEqual(r.status, .serviceUnavailable)
                XCTAssertEqual(r.headers[.retryAfter], "3")
                XCTAssertEqual(try ServerTest.errorCode(r), "queue_full")
            }
            XCTAssertEqual(full.scheduler.depth, 0, "a refused request holds no slot")
        }
        // The oldest image waits up to 300 ms for batch-mates; the request allows 1 ms.
        let slow = try ServerTest.service {
            $0.requestTimeout = .milliseconds(1); $0.maxBatchWait = .milliseconds(300)
        }
        try await ServerTest.app(slow).test(.router) { client in
            try await client.execute(uri: "/v1/detect", method: .post, headers: [.contentType: "image/png"], body: ByteBuffer(bytes: real)) { r in
                XCTAssertEqual(r.status, .gatewayTimeout)
                XCTAssertEqual(try ServerTest.errorCode(r), "timeout")
            }
            XCTAssertEqual(slow.scheduler.depth, 0)
        }
    }

    func testBodyReaderCutsOffSlowAndOversizedStreams() async throws {
        let budget = UploadBudget(limit: 1 << 20)
        let reader = BodyReader(maxBytes: 1000, timeout: .milliseconds(200), budget: budget, retryAfter: 1)
        // A body that sends 10 bytes and then nothing for 10 s: cut off at 200 ms.
        let (slowBody, slowSource) = RequestBody.makeStream()
        let feeder = Task {
            await slowSource.yield(ByteBuffer(bytes: [UInt8](repeating: 1, count: 10)))
            try? await Task.sleep(for: .seconds(10))
            slowSource.finish()
        }
        let start = ContinuousClock.now
        let slowCharge = BodyReader.Charge(budget)
        defer { slowCharge.release() }
        do {
            _ = try await reader.collect(slowBody, charge: slowCharge)
            XCTFail("a stalled body must not be accepted")
        } catch let e as APIError {
            XCTAssertEqual(e.status, .requestTimeout)
            XCTAssertEqual(e.code, "upload_timeout")
        }
        let waited = ContinuousClock.now - start
        XCTAssertLessThan(waited, .seconds(3), "cut off near the 200 ms upload timeout, not after the stall")
        feeder.cancel()
        slowCharge.release()
        XCTAssertEqual(budget.inUse, 0)
        // A body with no Content-Length that streams past the limit: 413 at the chunk that crosses it.
        let (bigBody, bigSource) = RequestBody.makeStream()
        let sent = Task {
            var chunks = 0
            for _ in 0..<100 { await bigSource.yield(ByteBuffer(bytes: [UInt8](repeating: 2, count: 300))); chunks += 1 }
            bigSource.finish()
            return chunks
        }
        let charge = BodyReader.Charge(budget)
        do {
            _ = try await reader.collect(bigBody, charge: charge)
            XCTFail("an oversized body must be refused")
        } catch let e as APIError {
            XCTAssertEqual(e.status, .contentTooLarge)
        }
        XCTAssertLessThanOrEqual(budget.inUse, 1000, "no more than the limit was held")
        charge.release()
        XCTAssertEqual(budget.inUse, 0)
        sent.cancel()
    }
}

extension SeededBytes {
    func nextArray(_ n: Int) -> [UInt8] { var s = self; return s.next(n) }
}
