import CNNSpot
@testable import CNNSpotServer
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import XCTest

/// The other routes: health, readiness, models, metrics, spectrum, the page, auth, 404s.
final class RouterRoutesTests: XCTestCase {
    func testHealthReadinessAndModels() async throws {
        let service = try ServerTest.service(start: false)
        try await ServerTest.app(service).test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(try ServerTest.json(r)["status"] as? String, "alive")
            }
            try await client.execute(uri: "/readyz", method: .get) { r in XCTAssertEqual(r.status, .serviceUnavailable) }
            try service.start()
            try await client.execute(uri: "/readyz", method: .get) { r in XCTAssertEqual(r.status, .ok) }
            try await client.execute(uri: "/v1/models", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                let m = try XCTUnwrap((try ServerTest.json(r)["models"] as? [[String: Any]])?.first)
                XCTAssertEqual(m["sha256"] as? String, try ServerTest.sha256sum(try ServerTest.modelPath()))
                XCTAssertEqual(m["architecture"] as? String, "resnet18")
                XCTAssertEqual(m["threshold"] as? Double, 0.5)
                XCTAssertTrue(m["uncertain_low"] is NSNull)
                XCTAssertNotNil(m["card"] as? [String: Any])
                XCTAssertFalse((m["name"] as? String ?? "/").contains("/"), "the file name, not the server's path")
            }
        }
    }

    func testSpectrumIsTheLibraryFigureAsPNG() async throws {
        let service = try ServerTest.service()
        let bytes = try ServerTest.bytes(ServerTest.fakePath)
        let image = try ImageDecoder.decode(path: ServerTest.fakePath).image
        let expected = try SpectrumReport.single(image, name: "image").figure
        try await ServerTest.app(service).test(.router) { client in
            try await client.execute(
                uri: "/v1/spectrum", method: .post, headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: bytes)
            ) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(r.headers[.contentType], "image/png")
                let png = try ImageDecoder.decode(data: Array(r.body.readableBytesView), name: "spectrum").image
                XCTAssertEqual(png.width, expected.width)
                XCTAssertEqual(png.height, expected.height)
                XCTAssertEqual(png.pixels, expected.pixels)
            }
            try await client.execute(
                uri: "/v1/spectrum", method: .post, headers: [.contentType: "image/png"],
                body: ByteBuffer(bytes: Array(bytes.prefix(100)))
            ) { r in
                XCTAssertEqual(r.status, .unprocessableContent)
                XCTAssertEqual(try ServerTest.errorCode(r), "truncated_image")
            }
        }
    }

    func testBearerTokenGuardsTheAPIOnly() async throws {
        let token = "s3cret-token-0123456789"
        let service = try ServerTest.service { $0.token = token }
        let bytes = try ServerTest.bytes(ServerTest.realPath)
        try await ServerTest.app(service).test(.router) { client in
            for auth in [nil, "Bearer wrong-token-0123456789", "Basic \(token)", "Bearer \(token)x"] {
                var h: HTTPFields = [.contentType: "image/png"]
                if let auth { h[.authorization] = auth }
                try await client.execute(uri: "/v1/detect", method: .post, headers: h, body: ByteBuffer(bytes: bytes)) { r in
                    XCTAssertEqual(r.status, .unauthorized, auth ?? "none")
                    XCTAssertEqual(r.headers[.wwwAuthenticate], "Bearer realm=\"cnnspot\"")
                    XCTAssertEqual(try ServerTest.errorCode(r), "unauthorized")
                }
            }
            try await client.execute(
                uri: "/v1/detect", method: .post,
                headers: [.contentType: "image/png", .authorization: "Bearer \(token)"],
                body: ByteBuffer(bytes: bytes)
            ) { r in XCTAssertEqual(r.status, .ok) }
            try await client.execute(uri: "/v1/models", method: .get) { r in XCTAssertEqual(r.status, .unauthorized) }
            for open in ["/", "/healthz", "/readyz", "/metrics"] {
                try await client.execute(uri: open, method: .get) { r in XCTAssertEqual(r.status, .ok, open) }
            }
        }
    }

    func testMetricsCountRequestsImagesAndRejections() async throws {
        let service = try ServerTest.service()
        let bytes = try ServerTest.bytes(ServerTest.realPath)
        try await ServerTest.app(service).test(.router) { client in
            for _ in 0..<2 {
                try await client.execute(
                    uri: "/v1/detect", method: .post, headers: [.contentType: "image/png"],
                    body: ByteBuffer(bytes: bytes)
                ) { r in XCTAssertEqual(r.status, .ok) }
            }
            try await client.execute(
                uri: "/v1/detect", method: .post, headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: "x")
            ) { r in XCTAssertEqual(r.status, .unsupportedMediaType) }
            try await client.execute(uri: "/nope/\(UUID())", method: .get) { r in
                XCTAssertEqual(r.status, .notFound)
                XCTAssertEqual(try ServerTest.errorCode(r), "not_found")
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                XCTAssertTrue(r.headers[.contentType]?.hasPrefix("text/plain") ?? false)
                func value(_ line: String) -> Double? {
                    text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.flatMap { Double($0.split(separator: " ").last!) }
                }
                XCTAssertEqual(value(#"cnnspot_http_requests_total{route="/v1/detect",status="200"}"#), 2, text)
                XCTAssertEqual(value(#"cnnspot_http_requests_total{route="/v1/detect",status="415"}"#), 1, text)
                XCTAssertEqual(value(#"cnnspot_http_requests_total{route="unmatched",status="404"}"#), 1, text)
                let scored = ["real", "fake", "uncertain"].compactMap { value(#"cnnspot_images_scored_total{verdict="\#($0)"}"#) }.reduce(0, +)
                XCTAssertEqual(scored, 2, text)
                XCTAssertEqual(value(#"cnnspot_requests_rejected_total{reason="unsupported_media_type"}"#), 1, text)
                XCTAssertEqual(value("cnnspot_queue_depth"), 0, text)
                XCTAssertTrue(text.contains(#"cnnspot_http_request_duration_seconds_bucket{route="/v1/detect""#), text)
                XCTAssertTrue(text.contains("cnnspot_batch_size_bucket"), text)
            }
        }
    }

    func testPageIsSelfContained() async throws {
        let service = try ServerTest.service()
        try await ServerTest.app(service).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(r.headers[.contentType], "text/html; charset=utf-8")
                let csp = try XCTUnwrap(r.headers[HTTPField.Name("Content-Security-Policy")!])
                XCTAssertTrue(csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"))
                let html = String(buffer: r.body)
                XCTAssertTrue(html.contains("/v1/detect") && html.contains("/v1/spectrum"))
                // No external resource of any kind: no absolute URL in src/href/url()/@import.
                for pattern in [#"src\s*=\s*["']?(https?:)?//"#, #"href\s*=\s*["']?(https?:)?//"#, #"url\(\s*["']?(https?:)?//"#, "@import"] {
                    XCTAssertNil(html.range(of: pattern, options: .regularExpression), pattern)
                }
                for id in ["files", "drop", "crop", "check", "results", "status"] {
                    XCTAssertTrue(html.contains("id=\"\(id)\""), id)
                }
            }
        }
    }
}
