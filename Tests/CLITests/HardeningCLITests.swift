import CNNSpot
import CNNSpotTestSupport
import Foundation
import XCTest

/// Issue 13 through the built binary: each test names the row it guards; each failed (hung,
/// exited 0, or printed the old message) on 3274969.
final class HardeningCLITests: XCTestCase {
    /// Runs `script` under /bin/sh with $CNNSPOT set to the binary, killed after `limit`
    /// seconds (exit status 124): a hang becomes a failure instead of a stuck test run. Used
    /// where arguments must be raw bytes (non-UTF-8 names), which `Process.arguments` cannot pass.
    static func shell(_ script: String, in dir: URL, limit: Int = 300) throws -> CLI.Output {
        try CLI.runShell("cd '\(dir.path)' && timeout \(limit) \"$CNNSPOT\" " + script)
    }

    func tempDir(_ name: String) throws -> URL { try scratchDirectory(name) }

    func png(_ dir: URL, _ name: String, width: Int = 64, height: Int = 48, seed: Int = 1) throws {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in pixels.indices { pixels[i] = UInt8(truncatingIfNeeded: (i * 37 + seed * 101) % 251) }
        try RGBImage(width: width, height: height, pixels: pixels).writePNG(to: dir.appendingPathComponent(name))
    }

    // Rows 1 and 11: a FIFO, a device and a socket-free set of special files never block.
    func testSpecialFilesGetErrorRowsAndNothingBlocks() throws {
        let dir = try tempDir("special")
        let model = try CLI.syntheticModel(in: dir)
        let d = dir.appendingPathComponent("d")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        try png(d, "a.png")
        XCTAssertEqual(mkfifo(d.appendingPathComponent("b.png").path, 0o644), 0)
        try FileManager.default.createSymbolicLink(atPath: d.appendingPathComponent("c.png").path, withDestinationPath: "/dev/zero")
        let r = try Self.shell("detect -m '\(model)' d --format csv", in: dir, limit: 120)
        XCTAssertNotEqual(r.code, 124, "detect hung on a FIFO")
        XCTAssertEqual(r.code, 1, r.stderr)
        let rows = CLI.csv(r.stdout)
        XCTAssertEqual(rows.map { $0[0] }, ["path", "d/a.png", "d/b.png", "d/c.png"], r.stdout)
        XCTAssertFalse(rows[1][1].isEmpty, "the good file is scored")
        XCTAssertTrue(rows[2][CLI.errorColumn].contains("FIFO"), rows[2][CLI.errorColumn])
        XCTAssertTrue(rows[3][CLI.errorColumn].contains("character device"), rows[3][CLI.errorColumn])
        // Named directly, and as the model.
        let named = try Self.shell("detect -m '\(model)' d/b.png d/c.png", in: dir, limit: 120)
        XCTAssertEqual(named.code, 1)
        XCTAssertTrue(named.stdout.contains("FIFO") && named.stdout.contains("character device"), named.stdout)
        let fifoModel = try Self.shell("detect -m d/b.png d/a.png", in: dir, limit: 120)
        XCTAssertNotEqual(fifoModel.code, 124, "a FIFO as -m hung")
        XCTAssertTrue(fifoModel.stderr.contains("not a regular file"), fifoModel.stderr)
        for (m, what) in [("/dev/zero", "character device"), ("d", "folder")] {
            let bad = try Self.shell("detect -m \(m) d/a.png", in: dir, limit: 120)
            XCTAssertEqual(bad.code, 1)
            XCTAssertTrue(bad.stderr.contains(what), bad.stderr)
            XCTAssertFalse(bad.stderr.contains("permission") || bad.stderr.contains("NSCocoaErrorDomain"), bad.stderr)
        }
    }

    // Row 5: a name that is not UTF-8 is scored in a folder scan and when named.
    func testNonUTF8FileNamesAreScored() throws {
        let dir = try tempDir("bytes")
        let model = try CLI.syntheticModel(in: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("d"), withIntermediateDirectories: true)
        try png(dir, "src.png")
        _ = try CLI.runShell("cd '\(dir.path)' && cp src.png \"d/$(printf 'caf\\351.png')\"")
        let folder = try Self.shell("detect -m '\(model)' d --format csv", in: dir)
        XCTAssertEqual(folder.code, 0, folder.stderr + folder.stdout)
        let rows = CLI.csv(folder.stdout)
        XCTAssertEqual(rows.count, 2, folder.stdout)
        XCTAssertEqual(rows.last?[0], "d/caf\\xE9.png", "raw bytes shown as \\xNN")
        let named = try Self.shell("detect -m '\(model)' \"d/$(printf 'caf\\351.png')\" --format jsonl", in: dir)
        XCTAssertEqual(named.code, 0, named.stderr + named.stdout)
        let row = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(named.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(row["path"] as? String, "d/caf\\xE9.png")
        XCTAssertEqual(try XCTUnwrap(row["logit"] as? Double), try XCTUnwrap(Double(rows[1][2])), accuracy: 1e-9, "same image, same score")
    }

    // Row 6: an unreadable sub-folder gets an error row and exit status 1.
    func testUnreadableFolderIsReported() throws {
        let dir = try tempDir("locked")
        let model = try CLI.syntheticModel(in: dir)
        let locked = dir.appendingPathComponent("d/locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        try png(dir.appendingPathComponent("d"), "a.png")
        try png(locked, "x.png")
        // Readable by the unprivileged user the check runs as.
        _ = try CLI.runShell("chmod -R a+rX '\(dir.path)' && chmod 000 '\(locked.path)'")
        addTeardownBlock { _ = try? CLI.runShell("chmod 755 '\(locked.path)'") }
        // root reads any folder: run as nobody then (setpriv), as the user who would hit this.
        let asUser = getuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : ""
        let r = try CLI.runShell("cd '\(dir.path)' && \(asUser)timeout 300 \"$CNNSPOT\" detect -m '\(model)' d --format csv")
        XCTAssertEqual(r.code, 1, r.stderr + r.stdout)
        let rows = CLI.csv(r.stdout)
        XCTAssertEqual(rows.map { $0[0] }, ["path", "d/a.png", "d/locked"], r.stdout)
        XCTAssertTrue(rows[2][CLI.errorColumn].contains("cannot read folder") && rows[2][CLI.errorColumn].contains("ermission"), rows[2][CLI.errorColumn])
    }

    // Row 10: full-image scoring past the activation budget fails with a message naming the
    // limit and the flag that raises it; with the flag raised it is scored.
    func testActivationBudgetIsNamedAndAdjustable() throws {
        let dir = try tempDir("activations")
        let model = try CLI.syntheticModel(in: dir)
        try png(dir, "big.png", width: 1024, height: 768)
        try png(dir, "small.png")
        let low = try CLI.run([
            "detect", "-m", model, dir.appendingPathComponent("big.png").path,
            dir.appendingPathComponent("small.png").path, "--max-activation-mib", "64", "--format", "csv"
        ])
        XCTAssertEqual(low.code, 1, low.stderr)
        let rows = CLI.csv(low.stdout)
        XCTAssertEqual(rows.count, 3, low.stdout)
        XCTAssertTrue(
            rows[1][CLI.errorColumn].contains("64 MiB activation budget") && rows[1][CLI.errorColumn].contains("--max-activation-mib"), rows[1][CLI.errorColumn]
        )
        XCTAssertTrue(rows[1][CLI.errorColumn].contains("1024x768"), rows[1][CLI.errorColumn])
        XCTAssertFalse(rows[2][1].isEmpty, "the small image is still scored")
        let needed = try XCTUnwrap(
            rows[1][CLI.errorColumn].split(separator: " ").firstIndex(of: "needs").map { rows[1][CLI.errorColumn].split(separator: " ")[$0 + 1] })
        let high = try CLI.run([
            "detect", "-m", model, dir.appendingPathComponent("big.png").path,
            "--max-activation-mib", String(needed), "--format", "csv"
        ])
        XCTAssertEqual(high.code, 0, high.stderr + high.stdout)
        let help = try CLI.run(["detect", "--help"])
        XCTAssertTrue(help.stdout.contains("--max-activation-mib") && help.stdout.contains("--max-pixels"), help.stdout)
    }

    // Row 11: messages that say what is wrong, once, with the file.
    func testErrorMessagesNameTheFileAndTheProblem() throws {
        let dir = try tempDir("messages")
        let model = try CLI.syntheticModel(in: dir)
        try png(dir, "a.png")
        try png(dir, "tiny.png", width: 1, height: 1)
        try Data().write(to: dir.appendingPathComponent("e.png"))
        try Data().write(to: dir.appendingPathComponent("empty.pth"))
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("loop1.png").path, withDestinationPath: "loop2.png")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("loop2.png").path, withDestinationPath: "loop1.png")
        let table = try Self.shell("detect -m '\(model)' e.png tiny.png loop1.png --format table", in: dir)
        XCTAssertEqual(table.code, 1)
        XCTAssertTrue(table.stdout.contains("e.png: empty file") && !table.stdout.contains("e.png: e.png"), table.stdout)
        XCTAssertTrue(table.stdout.contains("loop1.png: symbolic link loop"), table.stdout)
        let csv = CLI.csv(try Self.shell("detect -m '\(model)' tiny.png --format csv", in: dir).stdout)
        XCTAssertTrue(csv[1][CLI.errorColumn].hasPrefix("tiny.png: image is 1x1"), csv[1][CLI.errorColumn])
        let threshold = try CLI.run(["detect", "-m", model, "--threshold", "-1", dir.appendingPathComponent("a.png").path])
        XCTAssertEqual(threshold.code, 64)
        XCTAssertTrue(threshold.stderr.contains("--threshold must be in (0, 1)"), threshold.stderr)
        let blur = try CLI.run(["transform", dir.appendingPathComponent("a.png").path, "--blur", "-1", "-o", dir.path])
        XCTAssertTrue(blur.stderr.contains("--blur must be in"), blur.stderr)
        let folder = try CLI.run(["transform", dir.path, "-o", dir.appendingPathComponent("out").path])
        XCTAssertEqual(folder.code, 1)
        XCTAssertTrue(folder.stderr.contains("is a folder") && !folder.stderr.contains("NSCocoaErrorDomain"), folder.stderr)
        XCTAssertEqual(folder.stderr.components(separatedBy: dir.path + ":").count, 2, "the path is printed once: \(folder.stderr)")
        let script = Self.fixture("torchscript.pt")
        let ts = try CLI.run(["detect", "-m", script, dir.appendingPathComponent("a.png").path])
        XCTAssertTrue(ts.stderr.contains("TorchScript"), ts.stderr)
        let empty = try CLI.run(["detect", "-m", dir.appendingPathComponent("empty.pth").path, dir.appendingPathComponent("a.png").path])
        XCTAssertTrue(empty.stderr.contains("empty"), empty.stderr)
        // Row 2 through the binary: refused at once, never allocating the 4 GiB the view names.
        let started = Date()
        let stride0 = try CLI.run(["detect", "-m", Self.fixture("stride0_expand.pth"), dir.appendingPathComponent("a.png").path])
        XCTAssertEqual(stride0.code, 1)
        XCTAssertTrue(stride0.stderr.contains("stride of 0"), stride0.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        let convert = try CLI.run(["convert", Self.fixture("stride0_square.pth"), dir.appendingPathComponent("o.safetensors").path])
        XCTAssertNotEqual(convert.code, 0)
        XCTAssertTrue(convert.stderr.contains("stride of 0"), convert.stderr)
    }

    // Row 11: eval's exit status says when images failed; row 14: no `//` in what it prints.
    func testEvalExitStatusReportsFailures() throws {
        let dir = try tempDir("eval-status")
        let model = try CLI.syntheticModel(in: dir)
        let root = dir.appendingPathComponent("set")
        try copyMiniSet("cyclegan", to: dir, name: "set", count: 2)
        let ok = try CLI.run(["eval", root.path, "-m", model, "--crop", "64", "-o", dir.appendingPathComponent("ok").path + "/"])
        XCTAssertEqual(ok.code, 0, ok.stderr)
        XCTAssertFalse(ok.stdout.contains("//"), ok.stdout)
        let manifest = try String(contentsOf: dir.appendingPathComponent("ok/manifest.json"), encoding: .utf8)
        XCTAssertFalse(manifest.contains("\\/"), "JSON escapes slashes")
        try Data("not an image".utf8).write(to: root.appendingPathComponent("1_fake/zz_broken.png"))
        let bad = try CLI.run(["eval", root.path, "-m", model, "--crop", "64", "-o", dir.appendingPathComponent("bad").path])
        XCTAssertEqual(bad.code, 1, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("1 image(s) could not be scored"), bad.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad/results.csv").path), "results still written")
    }

    // Row 12: a benchmark case too large to allocate is a usage error, not an abort.
    func testBenchRefusesCasesItCannotAllocate() throws {
        let r = try CLI.run(["bench", "--cases", "1x99999", "--arch", "resnet18"])
        XCTAssertEqual(r.code, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("pixel limit"), r.stderr)
    }

    // Row 14: a newline in a name keeps the table one row per image; width/height are the file's.
    func testTableRowsAndReportedSize() throws {
        let dir = try tempDir("polish")
        let model = try CLI.syntheticModel(in: dir)
        try png(dir, "two\nlines.png", width: 300, height: 260)
        let table = try CLI.run(["detect", "-m", model, dir.appendingPathComponent("two\nlines.png").path, "--format", "table"])
        XCTAssertEqual(table.code, 0, table.stderr)
        XCTAssertEqual(table.stdout.split(separator: "\n").count, 2, table.stdout)
        XCTAssertTrue(table.stdout.contains("two\\nlines.png"), table.stdout)
        let cropped = CLI.csv(
            try CLI.run([
                "detect", "-m", model, dir.appendingPathComponent("two\nlines.png").path,
                "--crop", "224", "--format", "csv"
            ]).stdout)
        let wi = try XCTUnwrap(cropped[0].firstIndex(of: "width"))
        XCTAssertEqual(Array(cropped[1][wi...wi + 1]), ["300", "260"], "the file's size, not the crop's")
    }

    // Row 14: on a terminal the rows (stdout) and the progress bar (stderr) share one screen:
    // the bar is taken off its line before each row and drawn again below it.
    func testRowsNeverPrintOverTheProgressBarOnATerminal() throws {
        let dir = try tempDir("tty")
        let model = try CLI.syntheticModel(in: dir)
        let d = dir.appendingPathComponent("d")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        for i in 0..<4 { try png(d, "img\(i).png", seed: i) }
        // script(1) runs the command on a pseudo-terminal and copies what the terminal showed.
        let r = try CLI.runShell("cd '\(dir.path)' && timeout 300 script -qec \"$CNNSPOT detect -m '\(model)' d\" /dev/null")
        XCTAssertEqual(r.code, 0, r.stderr + r.stdout)
        XCTAssertTrue(r.stdout.contains("detect ["), "the bar is drawn on a terminal: \(r.stdout.debugDescription)")
        // "\r\n" is one Character in Swift: split the terminal's text on its newline scalars.
        let rows = r.stdout.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(String.init)
            .filter { $0.contains("d/img") }
        XCTAssertEqual(rows.count, 4, r.stdout.debugDescription)
        for row in rows {
            // What precedes the row on its screen line, after the last erase-line.
            let start = row.range(of: "d/img")!.lowerBound
            let before = String(row[..<start]).components(separatedBy: "\u{1B}[K").last!
            XCTAssertFalse(before.contains("detect ["), "a row printed over the bar: \(row.debugDescription)")
        }
    }

    // Row 13: hidden image files are not searched in a folder, and stderr says so.
    func testHiddenFilesAreNotedNotSilentlySkipped() throws {
        let dir = try tempDir("hidden")
        let d = dir.appendingPathComponent("d")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        try png(d, "a.png")
        try png(d, ".b.png")
        let r = try CLI.run(["detect", "-m", "none", d.path, "--format", "csv"])
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertEqual(CLI.csv(r.stdout).count, 2, r.stdout)
        XCTAssertTrue(r.stderr.contains("1 hidden image file(s) not searched"), r.stderr)
    }

    // Row 11: eval exits non-zero when no set has images.
    func testEvalOfEmptySetsFails() throws {
        let dir = try tempDir("eval-empty")
        let model = try CLI.syntheticModel(in: dir)
        for sub in ["set/0_real", "set/1_fake"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let r = try CLI.run(["eval", dir.appendingPathComponent("set").path, "-m", model, "-o", dir.appendingPathComponent("out").path])
        XCTAssertEqual(r.code, 1, r.stderr)
        XCTAssertFalse(r.stderr.isEmpty)
    }

    // Row 14: bench-pipeline's default set is found from the binary's clone, whatever the
    // working directory; a missing path is named instead of being dropped.
    func testBenchPipelineDefaultWorksFromAnyDirectory() throws {
        let dir = try tempDir("bench-pipeline")
        let r = try Self.shell("bench-pipeline --count 2 --runs 1", in: dir)
        XCTAssertEqual(r.code, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("swift pipeline: median"), r.stdout)
        XCTAssertTrue(r.stdout.contains("2 images"), r.stdout)
        let missing = try Self.shell("bench-pipeline nowhere/train --count 2 --runs 1", in: dir)
        XCTAssertEqual(missing.code, 64, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("nowhere/train: no such file or folder"), missing.stderr)
    }

    // Row 14: a score depends on the other images of its batch only through oneDNN's choice of
    // kernels for the batch size: within 1e-5 (relative, logit) batched; bit-identical with
    // --batch-size 1, whatever else is in the run.
    func testScoresDoNotDependOnTheOtherInputs() throws {
        let dir = try tempDir("composition")
        let model = try CLI.syntheticModel(in: dir)
        for i in 0..<5 { try png(dir, "i\(i).png", width: 96, height: 80, seed: i + 3) }
        let all = (0..<5).map { dir.appendingPathComponent("i\($0).png").path }
        func logits(_ paths: [String], _ extra: [String]) throws -> [String: Double] {
            let r = try CLI.run(["detect", "-m", model, "--format", "csv"] + extra + paths)
            XCTAssertEqual(r.code, 0, r.stderr)
            let rows = CLI.csv(r.stdout)
            let li = try XCTUnwrap(rows[0].firstIndex(of: "logit"))
            return Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], Double($0[li])!) })
        }
        let alone1 = try logits([all[2]], ["--batch-size", "1"])
        let crowd1 = try logits(all, ["--batch-size", "1"])
        XCTAssertEqual(crowd1[all[2]], alone1[all[2]], "batch 1: bit-identical whatever else is scored")
        let crowd = try logits(all, [])
        for p in all {
            let a = try XCTUnwrap(try logits([p], [])[p]), b = try XCTUnwrap(crowd[p])
            XCTAssertLessThanOrEqual(abs(a - b), 1e-5 * max(1, abs(a)), "\(p): \(a) alone vs \(b) in a batch of 5")
        }
    }

    static func fixture(_ name: String) -> String {
        CLI.root.appendingPathComponent("Fixtures/hardening/\(name)").path
    }
}

extension CLI {
    /// Runs `/bin/sh -c script` with `$CNNSPOT` naming the binary.
    static func runShell(_ script: String) throws -> Output {
        var env = ProcessInfo.processInfo.environment
        env["CNNSPOT"] = try binary().path
        return try CLIProcess.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", script], environment: env)
    }
}
