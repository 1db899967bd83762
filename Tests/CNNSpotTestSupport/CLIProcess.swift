import Foundation
import XCTest

/// The built `cnnspot` binary, run as a child process: the one harness of the tests that drive
/// the command line (CLITests) or start the server (CNNSpotServerTests).
public enum CLIProcess {
    /// `.build/release/cnnspot` (scripts/test.sh builds it before the tests), or `$CNNSPOT_BINARY`
    /// (another build, e.g. .build/debug/cnnspot while iterating). Fails the test if it is missing.
    public static func binary() throws -> URL {
        let u =
            ProcessInfo.processInfo.environment["CNNSPOT_BINARY"].map { URL(fileURLWithPath: $0) }
            ?? Repository.root.appendingPathComponent(".build/release/cnnspot")
        guard FileManager.default.isExecutableFile(atPath: u.path) else {
            XCTFail("\(u.path) is not built: run `swift build -c release` first (scripts/test.sh does)")
            throw CocoaError(.fileNoSuchFile)
        }
        return u
    }

    public struct Output {
        public var code: Int32
        public var stdout: String
        public var stderr: String

        public init(code: Int32, stdout: String, stderr: String) {
            self.code = code; self.stdout = stdout; self.stderr = stderr
        }
    }

    /// Runs `cnnspot args...` to the end, with `stdin` as its standard input, and returns its
    /// exit status and both outputs (read concurrently, so a full pipe cannot block the child).
    public static func run(_ args: [String], stdin: String? = nil) throws -> Output {
        try run(executable: try binary(), args, stdin: stdin)
    }

    /// Runs any program the same way (`environment` nil: this process's).
    public static func run(executable: URL, _ args: [String], environment: [String: String]? = nil, stdin: String? = nil) throws -> Output {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        p.waitUntilExit()
        return Output(
            code: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
