import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// Reads a request body under the server's limits while it streams in: at most `maxBytes`
/// (413 as soon as one more byte arrives, not after buffering it all), within `timeout` from
/// the first byte (408: a slow upload is cut off), charging a shared `UploadBudget` (503 when
/// the server already holds too many bodies). A stalled connection is closed by the HTTP
/// layer's idle timeout; the deadline here bounds a slow trickle.
struct BodyReader {
    var maxBytes: Int
    var timeout: Duration
    var budget: UploadBudget
    var retryAfter: Int

    /// Bytes taken from the budget so far; the caller gives them back when the request ends.
    final class Charge: @unchecked Sendable {
        private let budget: UploadBudget
        private let lock = NSLock()
        private var bytes = 0
        init(_ budget: UploadBudget) { self.budget = budget }
        func take(_ n: Int) -> Bool {
            guard budget.take(n) else { return false }
            lock.lock(); bytes += n; lock.unlock()
            return true
        }
        func release() {
            lock.lock(); let n = bytes; bytes = 0; lock.unlock()
            budget.give(n)
        }
    }

    /// Runs `consume` on each chunk as it arrives, under the size, time and memory limits.
    func stream(_ body: RequestBody, charge: Charge, _ consume: @escaping @Sendable (ByteBuffer) throws -> Void) async throws {
        let maxBytes = self.maxBytes, retryAfter = self.retryAfter
        let timeout = self.timeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var total = 0
                for try await chunk in body {
                    total += chunk.readableBytes
                    if total > maxBytes { throw APIError.bodyTooLarge(limit: maxBytes) }
                    if !charge.take(chunk.readableBytes) { throw APIError.memoryFull(retryAfter: retryAfter) }
                    try consume(chunk)
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw APIError.uploadTooSlow(seconds: timeout.seconds)
            }
            // The first to finish decides: the body read (done or failed) or the deadline.
            defer { group.cancelAll() }
            _ = try await group.next()
        }
    }

    /// The whole body as bytes (one raw image).
    func collect(_ body: RequestBody, charge: Charge) async throws -> [UInt8] {
        let sink = Sink()
        try await stream(body, charge: charge) { sink.append($0) }
        return sink.bytes
    }

    /// The `file` parts of a multipart/form-data body, parsed by MultipartKit as they stream.
    /// At most `maxFiles` files and `maxParts` parts of any name (413 beyond); a body that
    /// ends inside a part or never shows its boundary is a 400.
    func multipart(_ body: RequestBody, boundary: String, maxFiles: Int, maxParts: Int, charge: Charge) async throws -> [Upload] {
        let state = MultipartState(boundary: boundary, maxFiles: maxFiles, maxParts: maxParts)
        try await stream(body, charge: charge) { try state.feed($0) }
        return try state.finish()
    }

    /// Accumulates bytes from the reading task (only it touches them until it finishes).
    final class Sink: @unchecked Sendable {
        var bytes: [UInt8] = []
        func append(_ b: ByteBuffer) { bytes.append(contentsOf: b.readableBytesView) }
    }
}

/// MultipartKit's streaming parser plus the bookkeeping of parts: names, file names, limits.
final class MultipartState: @unchecked Sendable {
    private let parser: MultipartParser
    private let maxFiles: Int
    private let maxParts: Int
    private var uploads: [Upload] = []
    private var parts = 0
    private var headers: [(String, String)] = []
    private var current: [UInt8] = []
    private var inPart = false
    private var sawAnyPart = false
    private var failure: APIError?

    init(boundary: String, maxFiles: Int, maxParts: Int) {
        parser = MultipartParser(boundary: boundary)
        self.maxFiles = maxFiles
        self.maxParts = maxParts
        parser.onHeader = { [unowned self] name, value in
            if !inPart { inPart = true; sawAnyPart = true; headers = []; current = [] }
            headers.append((name, value))
        }
        parser.onBody = { [unowned self] buffer in
            if !inPart { inPart = true; sawAnyPart = true; headers = []; current = [] }
            current.append(contentsOf: buffer.readableBytesView)
        }
        parser.onPartComplete = { [unowned self] in partComplete() }
    }

    func feed(_ chunk: ByteBuffer) throws {
        do { try parser.execute(chunk) } catch {
            throw APIError.badRequest("bad_multipart", "the multipart/form-data body is malformed")
        }
        if let failure { throw failure }
    }

    func finish() throws -> [Upload] {
        if let failure { throw failure }
        if inPart || !sawAnyPart {
            throw APIError.badRequest(
                "bad_multipart",
                inPart
                    ? "the multipart body ends inside a part (no closing boundary)"
                    : "the multipart body holds no part (check the boundary)")
        }
        if uploads.isEmpty {
            throw APIError.badRequest("no_file", "the multipart body has no part named 'file'")
        }
        return uploads
    }

    private func partComplete() {
        defer { inPart = false; headers = []; current = [] }
        guard failure == nil else { return }
        parts += 1
        if parts > maxParts {
            failure = APIError(.contentTooLarge, "too_many_parts", "the multipart body has more than \(maxParts) parts")
            return
        }
        let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
        let params = Self.parameters(disposition)
        guard params["name"] == "file" else { return }
        if uploads.count == maxFiles {
            failure = APIError(.contentTooLarge, "too_many_files", "the multipart body has more than \(maxFiles) 'file' parts")
            return
        }
        let name = Self.label(params["filename"]) ?? "file-\(uploads.count + 1)"
        let type = headers.first { $0.0.lowercased() == "content-type" }?.1
        uploads.append(Upload(name: name, bytes: current, contentType: type))
    }

    /// `form-data; name="file"; filename="a.png"` -> ["name": "file", "filename": "a.png"].
    static func parameters(_ header: String) -> [String: String] {
        var out: [String: String] = [:]
        for piece in header.split(separator: ";").dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { continue }
            var v = kv[1]
            if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
            out[kv[0].lowercased()] = v.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return out
    }

    /// A file name reduced to a label: its last path component, control characters removed,
    /// at most 200 characters (it is echoed back and logged, never used as a path).
    static func label(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.prefix(200).map(Character.init))
        return clean.isEmpty ? nil : clean
    }
}
