import CNNSpot
import CNNSpotTestSupport
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import XCTest

/// The built `cnnspot serve` on a free loopback port, over real HTTP: the two examples score
/// exactly as `cnnspot detect` scores them, and SIGTERM ends the server with status 0.
/// Needs `.build/release/cnnspot` (scripts/test.sh builds it first).
final class LiveServerTests: XCTestCase {
    /// Starts `cnnspot serve --port 0 ...` and returns the process and its base URL.
    static func startServer(_ args: [String]) throws -> (Process, URL, Pipe) {
        let p = Process()
        p.executableURL = try CLIProcess.binary()
        p.arguments = ["serve", "--port", "0"] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // The first stdout line is "listening on http://127.0.0.1:PORT".
        var line = Data()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("listening on "), let url = URL(string: String(text.dropFirst("listening on ".count))) else {
            p.terminate()
            XCTFail("no 'listening on' line: '\(text)'; stderr: \(String(decoding: err.fileHandleForReading.availableData, as: UTF8.self))")
            throw CocoaError(.fileReadCorruptFile)
        }
        return (p, url, err)
    }

    static func request(_ url: URL, method: String = "GET", body: Data? = nil, type: String? = nil) throws -> (Int, Data) {
        var r = URLRequest(url: url)
        r.httpMethod = method
        r.httpBody = body
        if let type { r.setValue(type, forHTTPHeaderField: "Content-Type") }
        r.timeoutInterval = 120
        let done = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var status = 0; var data = Data(); var error: Error? }
        let box = Box()
        URLSession.shared.dataTask(with: r) { data, response, error in
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.data = data ?? Data()
            box.error = error
            done.signal()
        }.resume()
        done.wait()
        if let e = box.error { throw e }
        return (box.status, box.data)
    }

    func testServeScoresExamplesExactlyAsDetectAndStopsOnSIGTERM() throws {
        let model = try ServerTest.modelPath()
        let (server, base, stderr) = try Self.startServer(["-m", model, "--threads", "2"])
        defer { if server.isRunning { server.terminate() } }

        // Ready within a bound once the model is warm.
        var ready = false
        for _ in 0..<240 where !ready {
            ready = (try? Self.request(base.appendingPathComponent("readyz")).0) == 200
            if !ready { Thread.sleep(forTimeInterval: 0.5) }
        }
        XCTAssertTrue(ready, "/readyz never answered 200")

        // cnnspot detect on the same two files.
        let detect = Process()
        detect.executableURL = try CLIProcess.binary()
        detect.arguments = ["detect", ServerTest.realPath, ServerTest.fakePath, "-m", model, "--format", "jsonl", "--threads", "2"]
        let out = Pipe()
        detect.standardOutput = out
        try detect.run()
        let rows = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        detect.waitUntilExit()
        XCTAssertEqual(detect.terminationStatus, 0)
        var cli: [String: Double] = [:]
        for line in rows.split(separator: "\n") {
            let j = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            cli[URL(fileURLWithPath: j["path"] as! String).lastPathComponent] = j["logit"] as? Double
        }
        XCTAssertEqual(cli.count, 2, rows)

        // Both examples in one multipart request (batched together, as detect batches them),
        // and each alone as a raw body.
        let boundary = "live-test-boundary"
        var body = Data()
        for name in ["real.png", "fake.png"] {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: image/png\r\n\r\n".utf8))
            body.append(try Data(contentsOf: ServerTest.examples.appendingPathComponent(name)))
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        let (status, data) = try Self.request(
            base.appendingPathComponent("v1/detect"), method: "POST", body: body,
            type: "multipart/form-data; boundary=\(boundary)")
        XCTAssertEqual(status, 200, String(decoding: data, as: UTF8.self))
        let results = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["results"] as? [[String: Any]] ?? []
        XCTAssertEqual(results.count, 2)
        for r in results {
            let name = r["name"] as! String
            let served = try XCTUnwrap(r["logit"] as? Double, name)
            print("live multipart \(name): serve \(served) detect \(cli[name] ?? .nan)")
            XCTAssertEqual(served, cli[name], "\(name): the served logit is the detect logit, bit for bit")
        }
        for name in ["real.png", "fake.png"] {
            let (s, d) = try Self.request(
                base.appendingPathComponent("v1/detect"), method: "POST",
                body: try Data(contentsOf: ServerTest.examples.appendingPathComponent(name)), type: "image/png")
            XCTAssertEqual(s, 200)
            let r = ((try JSONSerialization.jsonObject(with: d) as? [String: Any])?["results"] as? [[String: Any]])?.first
            let served = try XCTUnwrap(r?["logit"] as? Double)
            print("live single \(name): serve \(served) detect \(cli[name] ?? .nan), diff \(abs(served - (cli[name] ?? 0)))")
            XCTAssertEqual(
                served, try XCTUnwrap(cli[name]), accuracy: 1e-5 * max(1, abs(served)),
                "\(name) alone (batch 1) vs detect's batch of 2")
        }

        // Graceful shutdown on SIGTERM: exit status 0, within the shutdown bound.
        kill(server.processIdentifier, SIGTERM)
        let stopBy = Date().addingTimeInterval(30)
        while server.isRunning && Date() < stopBy { Thread.sleep(forTimeInterval: 0.1) }
        XCTAssertFalse(server.isRunning, "still running 30 s after SIGTERM")
        XCTAssertEqual(server.terminationStatus, 0)
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(
            log.contains("route=/v1/detect") && log.contains("status=200") && log.contains("request_id="),
            "structured access log lines:\n\(log.prefix(2000))")
    }
}
