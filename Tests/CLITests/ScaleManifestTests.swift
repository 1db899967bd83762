import CNNSpot
import Foundation
import XCTest
import Yams

/// Issue 14: the Kubernetes and Slurm files of docs/scale are parsed, and the commands in them
/// are run as the scheduler would run them (its variables set, the volumes replaced by temporary
/// folders): the merged result must equal one unsharded `detect` of the same images.
final class ScaleManifestTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try scratchDirectory("scale")
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for i in 0..<7 {
            var px = [UInt8](repeating: 0, count: 40 * 32 * 3)
            for j in px.indices { px[j] = UInt8(truncatingIfNeeded: j &* 13 &+ i &* 29) }
            try RGBImage(width: 40, height: 32, pixels: px).writePNG(to: data.appendingPathComponent(i < 4 ? "\(i).png" : "sub/\(i).png"))
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
    }

    /// Runs `script` with /bin/sh (or bash) in the test folder, `cnnspot` on the PATH.
    func sh(_ script: String, env: [String: String], shell: String = "/bin/sh") throws -> CLI.Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: shell)
        p.arguments = ["-c", script]
        var e = ProcessInfo.processInfo.environment
        e["PATH"] = try CLI.binary().deletingLastPathComponent().path + ":" + (e["PATH"] ?? "/usr/bin:/bin")
        for k in ["JOB_COMPLETION_INDEX", "JOB_COMPLETIONS", "SLURM_ARRAY_TASK_ID", "OMPI_COMM_WORLD_RANK", "PMI_RANK"] { e[k] = nil }
        e.merge(env) { $1 }
        p.environment = e
        p.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), r = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLI.Output(code: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: r, as: UTF8.self))
    }

    func unsharded() throws -> String {
        let one = try CLI.run([
            "detect", dir.appendingPathComponent("data").path, "--threads", "2", "--batch-size", "1", "--format", "csv",
            "-o", dir.appendingPathComponent("one.csv").path
        ])
        XCTAssertEqual(one.code, 0, one.stderr)
        return try String(contentsOf: dir.appendingPathComponent("one.csv"), encoding: .utf8)
    }

    func merged() throws -> String { try String(contentsOf: dir.appendingPathComponent("out/detect.csv"), encoding: .utf8) }

    func testKubernetesIndexedJobAndMergeJob() throws {
        let text = try String(contentsOf: CLI.root.appendingPathComponent("docs/scale/detect-job.yaml"), encoding: .utf8)
        let docs = try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
        XCTAssertEqual(docs.count, 2)
        func job(_ name: String) throws -> (spec: [String: Any], container: [String: Any]) {
            let doc = try XCTUnwrap(docs.first { (($0["metadata"] as? [String: Any])?["name"] as? String) == name }, name)
            XCTAssertEqual(doc["kind"] as? String, "Job")
            let spec = try XCTUnwrap(doc["spec"] as? [String: Any])
            let pod = try XCTUnwrap((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
            let c = try XCTUnwrap((pod["containers"] as? [[String: Any]])?.first)
            XCTAssertEqual(c["command"] as? [String], ["/bin/sh", "-c"])
            return (spec, c)
        }
        func env(_ c: [String: Any]) -> [String: String] {
            var out: [String: String] = [:]
            for e in c["env"] as? [[String: Any]] ?? [] { out[e["name"] as! String] = "\(e["value"]!)" }
            return out
        }
        let detect = try job("cnnspot-detect"), merge = try job("cnnspot-merge")
        XCTAssertEqual(detect.spec["completionMode"] as? String, "Indexed")
        let n = try XCTUnwrap(detect.spec["completions"] as? Int)
        XCTAssertEqual(detect.spec["parallelism"] as? Int, n)
        var denv = env(detect.container)
        XCTAssertEqual(denv["JOB_COMPLETIONS"], "\(n)", "JOB_COMPLETIONS must equal completions")
        XCTAssertEqual(env(merge.container)["SHARDS"], "\(n)")
        denv["DATA"] = dir.appendingPathComponent("data").path
        denv["OUT"] = dir.appendingPathComponent("out").path
        let detectCmd = try XCTUnwrap((detect.container["args"] as? [String])?.first)
        let mergeCmd = try XCTUnwrap((merge.container["args"] as? [String])?.first)
        XCTAssertTrue(detectCmd.hasPrefix("cnnspot detect") && mergeCmd.contains("cnnspot merge"))
        // The merge Job fails (to be retried) until every shard is done.
        var menv = env(merge.container)
        menv["OUT"] = denv["OUT"]
        for i in 0..<n {
            let early = try sh(mergeCmd, env: menv)
            XCTAssertNotEqual(early.code, 0, "merge ran with \(i) of \(n) shards")
            var e = denv
            e["JOB_COMPLETION_INDEX"] = "\(i)"
            let r = try sh(detectCmd, env: e)
            XCTAssertEqual(r.code, 0, "pod \(i): \(r.stderr)")
        }
        let m = try sh(mergeCmd, env: menv)
        XCTAssertEqual(m.code, 0, m.stdout + m.stderr)
        XCTAssertEqual(try merged(), try unsharded())
    }

    func testSlurmArrayAndDependentMerge() throws {
        let script = try String(contentsOf: CLI.root.appendingPathComponent("docs/scale/detect-array.sbatch"), encoding: .utf8)
        let array = try XCTUnwrap(script.split(separator: "\n").first { $0.hasPrefix("#SBATCH --array=") })
        let range = array.dropFirst("#SBATCH --array=".count).split(separator: "-").compactMap { Int($0) }
        XCTAssertEqual(range.count, 2, String(array))
        let env = ["DATA": dir.appendingPathComponent("data").path, "OUT": dir.appendingPathComponent("out").path]
        for id in range[0]...range[1] {
            var e = env
            e["SLURM_ARRAY_TASK_ID"] = "\(id)"; e["SLURM_ARRAY_TASK_MIN"] = "\(range[0])"; e["SLURM_ARRAY_TASK_MAX"] = "\(range[1])"
            e["SLURM_ARRAY_TASK_COUNT"] = "\(range[1] - range[0] + 1)"; e["SLURM_CPUS_PER_TASK"] = "2"
            let r = try sh(script, env: e, shell: "/bin/bash")
            XCTAssertEqual(r.code, 0, "task \(id): \(r.stderr)")
        }
        let merge = try String(contentsOf: CLI.root.appendingPathComponent("docs/scale/merge.sbatch"), encoding: .utf8)
        let m = try sh(merge, env: env, shell: "/bin/bash")
        XCTAssertEqual(m.code, 0, m.stderr)
        XCTAssertEqual(try merged(), try unsharded())
    }
}
