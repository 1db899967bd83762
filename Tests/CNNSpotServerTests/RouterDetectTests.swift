import CNNSpot
@testable import CNNSpotServer
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import XCTest

/// `/v1/detect` through the router, without a socket: scores against the library computed
/// independently (batch 1, no server code), per-image errors in a multipart batch, options.
final class RouterDetectTests: XCTestCase {
    func testRawPNGMatchesLibraryLogitAndReportsEveryField() async throws {
        let service = try ServerTest.service()
        let bytes = try ServerTest.bytes(ServerTest.realPath)
        let expected = try ServerTest.libraryLogit(ServerTest.realPath)
        try await ServerTest.app(service).test(.router) { client in
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: bytes)
            ) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertNotNil(r.headers[HTTPField.Name("X-Request-Id")!])
                let results = try ServerTest.results(r)
                XCTAssertEqual(results.count, 1)
                let a = try XCTUnwrap(results.first)
                XCTAssertEqual(a["name"] as? String, "image")
                XCTAssertEqual(a["sha256"] as? String, SHA256.hex(bytes))
                XCTAssertEqual(a["width"] as? Int, 256)
                XCTAssertEqual(a["height"] as? Int, 256)
                XCTAssertEqual(a["format"] as? String, "png")
                XCTAssertEqual(a["crop"] as? String, "none")
                let logit = try XCTUnwrap(a["logit"] as? Double)
                print("raw png: server logit \(logit), library \(expected), diff \(abs(logit - expected))")
                XCTAssertEqual(logit, expected, accuracy: 1e-4 * max(1, abs(expected)))
                let p = try XCTUnwrap(a["probability"] as? Double)
                XCTAssertEqual(p, 1 / (1 + exp(-logit)), accuracy: 1e-12)
                XCTAssertEqual(a["threshold"] as? Double, 0.5)
                XCTAssertEqual(a["verdict"] as? String, p >= 0.5 ? "fake" : "real")
                XCTAssertTrue(a["error"] is NSNull)
                let model = try XCTUnwrap(a["model"] as? [String: Any])
                XCTAssertEqual(model["architecture"] as? String, "resnet18")
                XCTAssertEqual(model["sha256"] as? String, try ServerTest.sha256sum(try ServerTest.modelPath()))
                let t = try XCTUnwrap(a["timing_ms"] as? [String: Any])
                for k in ["decode", "queue", "infer"] { XCTAssertGreaterThanOrEqual(t[k] as? Double ?? -1, 0, k) }
            }
        }
    }

    func testMultipartBatchScoresGoodImagesAndGivesBadOnesTheirOwnError() async throws {
        let service = try ServerTest.service()
        let real = try ServerTest.bytes(ServerTest.realPath), fake = try ServerTest.bytes(ServerTest.fakePath)
        let jpeg = try ImageEncoder.jpeg(try ImageDecoder.decode(path: ServerTest.realPath).image, quality: 90)
        var random = SeededBytes(seed: 7)
        let (body, type) = ServerTest.multipart([
            ("file", "real.png", "image/png", real),
            ("file", "broken.png", "image/png", Array(fake.prefix(fake.count / 2))),
            ("note", nil, "text/plain", Array("ignored".utf8)),
            ("file", "noise.bin", "application/octet-stream", random.next(4096)),
            ("file", "../../etc/fake.png", "image/png", fake),
            ("file", "real.jpg", "image/jpeg", jpeg)
        ])
        try await ServerTest.app(service).test(.router) { client in
            try await client.execute(uri: "/v1/detect", method: .post, headers: [.contentType: type], body: body) { r in
                XCTAssertEqual(r.status, .ok)
                let results = try ServerTest.results(r)
                XCTAssertEqual(
                    results.map { $0["name"] as? String }, ["real.png", "broken.png", "noise.bin", "fake.png", "real.jpg"],
                    "a client path is reduced to its last component")
                let broken = results[1]["error"] as? [String: Any]
                XCTAssertEqual(broken?["code"] as? String, "truncated_image")
                XCTAssertEqual(broken?["status"] as? Int, 422)
                XCTAssertTrue((broken?["message"] as? String ?? "").contains("broken.png"))
                XCTAssertTrue(results[1]["logit"] is NSNull)
                XCTAssertEqual((results[2]["error"] as? [String: Any])?["code"] as? String, "unsupported_image")
                for (i, path) in [(0, ServerTest.realPath), (3, ServerTest.fakePath)] {
                    let expected = try ServerTest.libraryLogit(path)
                    let got = try XCTUnwrap(results[i]["logit"] as? Double)
                    print("multipart \(path): server \(got) library \(expected)")
                    XCTAssertEqual(got, expected, accuracy: 1e-4 * max(1, abs(expected)))
                }
                XCTAssertEqual(results[4]["format"] as? String, "jpeg")
                XCTAssertNotNil(results[4]["logit"] as? Double)
            }
        }
    }

    func testCropThresholdAndOptionErrors() async throws {
        let service = try ServerTest.service()
        let bytes = try ServerTest.bytes(ServerTest.fakePath)
        let expected = try ServerTest.libraryLogit(ServerTest.fakePath, crop: 224)
        try await ServerTest.app(service).test(.router) { client in
            try await client.execute(
                uri: "/v1/detect?crop=224&threshold=0.999", method: .post,
                headers: [.contentType: "image/png"], body: ByteBuffer(bytes: bytes)
            ) { r in
                XCTAssertEqual(r.status, .ok)
                let a = try XCTUnwrap(try ServerTest.results(r).first)
                XCTAssertEqual(a["crop"] as? String, "224")
                XCTAssertEqual(a["width"] as? Int, 256, "the decoded size, before the crop")
                XCTAssertEqual(try XCTUnwrap(a["logit"] as? Double), expected, accuracy: 1e-4 * max(1, abs(expected)))
                XCTAssertEqual(a["threshold"] as? Double, 0.999)
                let p = try XCTUnwrap(a["probability"] as? Double)
                XCTAssertEqual(a["verdict"] as? String, p >= 0.999 ? "fake" : "real")
            }
            for (query, code) in [
                ("crop=100", "bad_crop"), ("threshold=1.5", "bad_threshold"), ("threshold=abc", "bad_threshold"),
                ("treshold=0.5", "unknown_parameter")
            ] {
                try await client.execute(
                    uri: "/v1/detect?\(query)", method: .post, headers: [.contentType: "image/png"],
                    body: ByteBuffer(bytes: bytes)
                ) { r in
                    XCTAssertEqual(r.status, .badRequest, query)
                    XCTAssertEqual(try ServerTest.errorCode(r), code, query)
                }
            }
        }
    }

    func testUncertainBandFromModelMetadata() async throws {
        // A band wide enough to hold any probability of this model: every verdict is uncertain;
        // an explicit threshold turns it back into a two-way decision.
        let service = try ServerTest.service(extra: ["uncertain_low": "0.000001", "uncertain_high": "0.999999"])
        let bytes = try ServerTest.bytes(ServerTest.realPath)
        try await ServerTest.app(service).test(.router) { client in
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: bytes)
            ) { r in
                let a = try XCTUnwrap(try ServerTest.results(r).first)
                XCTAssertEqual(a["verdict"] as? String, "uncertain")
                XCTAssertEqual(a["uncertain_low"] as? Double, 0.000001)
                XCTAssertEqual(a["uncertain_high"] as? Double, 0.999999)
            }
            try await client.execute(
                uri: "/v1/detect?threshold=0.5", method: .post, headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: bytes)
            ) { r in
                let a = try XCTUnwrap(try ServerTest.results(r).first)
                XCTAssertNotEqual(a["verdict"] as? String, "uncertain")
                XCTAssertTrue(a["uncertain_low"] is NSNull)
            }
            try await client.execute(uri: "/v1/models", method: .get) { r in
                let m = try XCTUnwrap((try ServerTest.json(r)["models"] as? [[String: Any]])?.first)
                XCTAssertEqual(m["uncertain_low"] as? Double, 0.000001)
            }
        }
    }

    func testConcurrentSameSizeRequestsAreBatchedAndScoreAsAlone() async throws {
        // A long batch wait so that four concurrent requests surely meet in one batch.
        let service = try ServerTest.service {
            $0.maxBatch = 4; $0.maxBatchWait = .milliseconds(400)
        }
        let real = try ServerTest.bytes(ServerTest.realPath), fake = try ServerTest.bytes(ServerTest.fakePath)
        let expected = [try ServerTest.libraryLogit(ServerTest.realPath), try ServerTest.libraryLogit(ServerTest.fakePath)]
        try await ServerTest.app(service).test(.router) { client in
            let answers = try await withThrowingTaskGroup(of: (Int, [String: Any]).self) { group in
                for i in 0..<4 {
                    group.addTask {
                        try await client.execute(
                            uri: "/v1/detect", method: .post, headers: [.contentType: "image/png"],
                            body: ByteBuffer(bytes: i % 2 == 0 ? real : fake)
                        ) { r in
                            (i, try XCTUnwrap(try ServerTest.results(r).first))
                        }
                    }
                }
                var out: [(Int, [String: Any])] = []
                for try await a in group { out.append(a) }
                return out
            }
            let sizes = answers.map { $0.1["batch_size"] as? Int ?? 0 }
            print("batch sizes seen: \(sizes)")
            XCTAssertEqual(sizes.max(), 4, "four concurrent 256x256 requests within the wait form one batch")
            for (i, a) in answers {
                let got = try XCTUnwrap(a["logit"] as? Double)
                let want = expected[i % 2]
                print("batched request \(i): \(got) vs alone \(want), diff \(abs(got - want))")
                XCTAssertEqual(got, want, accuracy: 1e-4 * max(1, abs(want)))
            }
        }
    }
}

/// Deterministic pseudo-random bytes (splitmix64) for "random data" uploads.
struct SeededBytes {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ n: Int) -> [UInt8] {
        (0..<n).map { _ in
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return UInt8(truncatingIfNeeded: z ^ (z >> 31))
        }
    }
}
