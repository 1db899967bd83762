import CNNSpot
@testable import CNNSpotServer
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import XCTest

/// docs/openapi.yaml against the running router: every documented operation exists (answers
/// something other than 404/405), every route the server has is documented, and the keys of a
/// real `/v1/detect` result are exactly the schema's required keys. The YAML is read line by
/// line (paths at indent 2, methods at 4, status codes under `responses:`), which is all the
/// file uses.
final class OpenAPIDocumentTests: XCTestCase {
    struct Document {
        var operations: [String: [String: Set<Int>]] = [:]
        var resultKeys: [String] = []
    }

    static func parse() throws -> Document {
        let text = try String(contentsOf: ServerTest.root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        var doc = Document()
        var inPaths = false, path: String?, method: String?, inResponses = false, inResult = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let indent = line.prefix { $0 == " " }.count
            let body = line.trimmingCharacters(in: .whitespaces)
            if indent == 0 { inPaths = body == "paths:" }
            if inPaths, indent == 2, body.hasPrefix("/"), body.hasSuffix(":") {
                path = String(body.dropLast()); method = nil; doc.operations[path!] = [:]
            } else if inPaths, indent == 4, let p = path, ["get:", "post:", "put:", "delete:"].contains(body) {
                method = String(body.dropLast()); doc.operations[p]![method!] = []; inResponses = false
            } else if inPaths, indent == 6 {
                inResponses = body.hasPrefix("responses:")
            } else if inPaths, inResponses, indent == 8, let p = path, let m = method, body.hasPrefix("'"),
                let code = Int(body.dropFirst().prefix(3))
            {
                doc.operations[p]![m]!.insert(code)
            }
            if indent == 4 { inResult = body == "Result:" }
            if inResult, indent == 6, body.hasPrefix("required: [") {
                doc.resultKeys = body.dropFirst("required: [".count).dropLast().split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
        return doc
    }

    func testDocumentMatchesTheRouter() async throws {
        let doc = try Self.parse()
        let documented = Set(doc.operations.flatMap { p, ms in ms.keys.map { "\($0.uppercased()) \(p)" } })
        XCTAssertEqual(
            documented, Set(DetectionServer.routes.map { "\($0.method) \($0.path)" }),
            "every route documented, nothing documented that does not exist")
        for code in [400, 401, 408, 413, 415, 422, 503, 504] {
            XCTAssertTrue(doc.operations["/v1/detect"]?["post"]?.contains(code) ?? false, "/v1/detect documents \(code)")
        }
        let service = try ServerTest.service()
        let bytes = try ServerTest.bytes(ServerTest.realPath)
        try await ServerTest.app(service).test(.router) { client in
            for (method, path) in DetectionServer.routes {
                let m: HTTPRequest.Method = method == "GET" ? .get : .post
                let body: ByteBuffer? = m == .post ? ByteBuffer(bytes: bytes) : nil
                try await client.execute(uri: path, method: m, headers: m == .post ? [.contentType: "image/png"] : [:], body: body) { r in
                    XCTAssertNotEqual(r.status, .notFound, path)
                    XCTAssertNotEqual(r.status, .methodNotAllowed, path)
                    XCTAssertTrue(
                        doc.operations[path]?[method.lowercased()]?.contains(r.status.code) ?? false,
                        "\(method) \(path) answered \(r.status.code), which the document does not list")
                    if path == "/v1/detect" {
                        let result = try XCTUnwrap(try ServerTest.results(r).first)
                        XCTAssertEqual(Set(result.keys), Set(doc.resultKeys), "result keys vs the schema's required keys")
                    }
                }
            }
        }
    }
}
