import CNNSpot
import Foundation
import XCTest

/// `SynthRun` end to end on a few real photos with test families: layout, pairing, manifest,
/// split, determinism across threads, bad inputs, refusing / forcing / resuming an output.
final class SynthRunTests: XCTestCase {
    func run(_ o: SynthOptions, _ families: [SynthFamily], threads: Int = 1, resume: Bool = false, force: Bool = false)
        throws -> (SynthSummary, [String])
    {
        var c = SynthTestData.controls(threads: threads)
        c.resume = resume; c.force = force
        var lines: [String] = []
        let lock = NSLock()
        let s = try SynthRun(options: o, families: families, controls: c) { l in
            lock.lock(); lines.append(l); lock.unlock()
        }.run()
        return (s, lines)
    }

    func testLayoutPairsManifestAndPrepare() throws {
        let photos = try SynthTestData.photoFolder(self)
        let out = try makeTempDir(self).appendingPathComponent("out")
        let blur = BlurUpFamily()
        let o = SynthTestData.options([photos.path], out: out, families: ["test-blurup", "check-box2x"])
        let (summary, lines) = try run(o, [blur, SynthCheckFamily()])
        XCTAssertEqual(summary.failures, 0, "\(lines)")
        XCTAssertEqual(summary.trainPhotos + summary.valPhotos, 6)
        XCTAssertEqual(summary.valPhotos, 1)  // round(0.2 * 6)

        let rows = try SynthTestData.manifest(out)
        let files = try SynthTestData.files(out).filter { $0.key.hasSuffix(".png") }
        XCTAssertEqual(rows.count, files.count, "one MANIFEST row per file")
        XCTAssertEqual(Set(rows.map { $0["file"]! }), Set(files.keys))
        XCTAssertFalse(files.keys.contains { ($0 as NSString).lastPathComponent.hasPrefix(".") }, "no temporary left")

        // Every fake has its real, same name, same size; the real is the manifest's crop of the photo.
        var photoCache: [String: RGBImage] = [:]
        for row in rows where row["label"] == "1_fake" {
            let fakePath = row["file"]!, realPath = fakePath.replacingOccurrences(of: "/1_fake/", with: "/0_real/")
            let real = try ImageDecoder.decode(path: out.appendingPathComponent(realPath).path).image
            let fake = try ImageDecoder.decode(path: out.appendingPathComponent(fakePath).path).image
            XCTAssertEqual([real.width, real.height, fake.width, fake.height], [128, 128, 128, 128], fakePath)
            let source = row["source"]!
            XCTAssertEqual(try RunManifest.fileSHA256(source), row["source_sha256"])
            if photoCache[source] == nil {
                var img = try ImageDecoder.decode(path: source, options: DecodeOptions(applyEXIFOrientation: true)).image
                XCTAssertEqual("\(img.width)x\(img.height)", row["photo_size"])
                if row["scale"] == "0.5" { img = try resize(img, width: img.width / 2, height: img.height / 2, interpolation: .lanczos) }
                photoCache[source] = img
            }
            let box = row["crop_box"]!.split(separator: " ").map { Int($0)! }
            XCTAssertEqual(try crop(photoCache[source]!, top: box[1], left: box[0], height: 128, width: 128), real, fakePath)
            let family: SynthFamily = row["family"] == "check-box2x" ? SynthCheckFamily() : BlurUpFamily()
            let seed = UInt64(row["seed"]!)!
            XCTAssertEqual(try family.fake(of: real, seed: seed), fake, "the fake is the family's output for the row's seed")
            XCTAssertEqual(row["generator_settings"], family.settings(forSeed: seed))
        }
        // The halved ImageNet photo (800x660 -> 400x330) and the full-size BSDS ones.
        XCTAssertTrue(rows.contains { $0["source"]!.hasSuffix("limpkin.JPEG") && $0["scale"] == "0.5" && $0["photo_size"] == "800x660" })
        XCTAssertTrue(rows.contains { $0["source"]!.hasSuffix("100007.jpg") && $0["scale"] == "1.0" && $0["jpeg"]!.hasPrefix("source_q=95;sampling=4:2:0") })

        // prepare got the train split's real patches only, and its directory inside OUT.
        let trainReals = rows.filter { $0["split"] == "train" && $0["family"] == "test-blurup" && $0["label"] == "0_real" }
        XCTAssertEqual(blur.preparedPatches.count, trainReals.count)
        XCTAssertEqual(blur.preparedDirectory, out.appendingPathComponent("generators/test-blurup").path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("generators/test-blurup/weights.txt").path))

        // Split by photo: no source in both splits.
        let trainSources = Set(rows.filter { $0["split"] == "train" }.map { $0["source"]! })
        let valSources = Set(rows.filter { $0["split"] == "val" }.map { $0["source"]! })
        XCTAssertTrue(trainSources.isDisjoint(with: valSources))
        XCTAssertEqual(valSources.count, 1)

        let m = try JSONDecoder().decode(SynthRunManifest.self, from: Data(contentsOf: out.appendingPathComponent("manifest.json")))
        XCTAssertEqual(m.recipe, o)
        XCTAssertNotNil(m.completedAt)
        XCTAssertEqual(m.families.map(\.name), ["test-blurup", "check-box2x"])
        XCTAssertEqual(m.counts["files"], rows.count)
    }

    /// The same recipe with 1 and 2 threads: byte-identical outputs (journal order aside).
    func testThreadCountDoesNotChangeBytes() throws {
        let photos = try SynthTestData.photoFolder(self)
        let tmp = try makeTempDir(self)
        var results: [[String: Data]] = []
        for t in [1, 2] {
            let o = SynthTestData.options([photos.path], out: tmp.appendingPathComponent("out"), families: ["test-blurup"])
            // The output path is part of the recipe: use the same one, moved aside after each run.
            let (s, lines) = try run(o, [BlurUpFamily()], threads: t)
            XCTAssertEqual(s.failures, 0, "\(lines)")
            var files = try SynthTestData.files(tmp.appendingPathComponent("out"))
            files["manifest.json"] = nil
            files[".synth/journal.csv"] = nil
            results.append(files)
            try FileManager.default.moveItem(at: tmp.appendingPathComponent("out"), to: tmp.appendingPathComponent("out-\(t)"))
        }
        XCTAssertGreaterThan(results[0].count, 10)
        XCTAssertEqual(Set(results[0].keys), Set(results[1].keys))
        for (k, v) in results[0] { XCTAssertEqual(v, results[1][k], k) }
    }

    func testBadInputsAreReportedAndTheRestGoOn() throws {
        let photos = try SynthTestData.photoFolder(self)
        let good = try Data(contentsOf: photos.appendingPathComponent("100007.jpg"))
        try good.prefix(good.count / 3).write(to: photos.appendingPathComponent("truncated.jpg"))
        try Data("not an image".utf8).write(to: photos.appendingPathComponent("text.png"))
        let tiny = RGBImage(width: 100, height: 90)
        try tiny.writePNG(to: photos.appendingPathComponent("tiny.png"))
        try FileManager.default.copyItem(at: photos.appendingPathComponent("100039.jpg"), to: photos.appendingPathComponent("copy.jpg"))
        let out = try makeTempDir(self).appendingPathComponent("out")
        let o = SynthTestData.options([photos.path, photos.appendingPathComponent("missing.jpg").path], out: out, families: ["check-box2x"])
        let (s, lines) = try run(o, [SynthCheckFamily()], threads: 2)
        XCTAssertEqual(s.failures, 3, "\(lines)")  // truncated, text, missing
        XCTAssertEqual(s.skipped, 2, "\(lines)")  // tiny, copy
        for name in ["truncated.jpg", "text.png", "missing.jpg", "tiny.png", "copy.jpg"] {
            XCTAssertTrue(lines.contains { $0.contains(name) }, "no line names \(name): \(lines)")
        }
        XCTAssertEqual(s.trainPhotos + s.valPhotos, 6, "the good photos all went on")
        XCTAssertFalse(try SynthTestData.manifest(out).contains { $0["source"]!.contains("copy.jpg") })

        // A family making wrong-sized fakes: every pair fails, named, nothing written for it.
        let out2 = try makeTempDir(self).appendingPathComponent("out")
        let (s2, lines2) = try run(
            SynthTestData.options(
                [photos.appendingPathComponent("100007.jpg").path], out: out2,
                families: ["test-wrongsize"]), [WrongSizeFamily()])
        XCTAssertEqual(s2.failures, 3, "\(lines2)")
        XCTAssertTrue(lines2.allSatisfy { $0.contains("100007.jpg") && $0.contains("8x8") }, "\(lines2)")
        XCTAssertEqual(try SynthTestData.manifest(out2).count, 0)
    }

    func testRefusesNonEmptyOutputForcesAndChecksResumeRecipe() throws {
        let photos = try SynthTestData.photoFolder(self)
        let out = try makeTempDir(self).appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let o = SynthTestData.options([photos.appendingPathComponent("100007.jpg").path], out: out, families: ["check-box2x"])
        XCTAssertThrowsError(try run(o, [SynthCheckFamily()])) { XCTAssertTrue("\($0)".contains("--resume"), "\($0)") }
        var stdin = o
        stdin.inputs = ["-"]
        XCTAssertThrowsError(try run(stdin, [SynthCheckFamily()])) { XCTAssertTrue("\($0)".contains("@FILE"), "\($0)") }
        XCTAssertThrowsError(try run(o, [SynthCheckFamily()], resume: true)) { XCTAssertTrue("\($0)".contains("manifest.json"), "\($0)") }
        _ = try run(o, [SynthCheckFamily()], force: true)
        XCTAssertEqual(try SynthTestData.manifest(out).count, 6)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("notes.txt").path), "--force keeps others' files")
        var other = o
        other.perPhoto = 1
        XCTAssertThrowsError(try run(other, [SynthCheckFamily()], resume: true)) { XCTAssertTrue("\($0)".contains("perPhoto"), "\($0)") }
        // --force over a synth output removes its old pairs.
        _ = try run(other, [SynthCheckFamily()], force: true)
        XCTAssertEqual(try SynthTestData.manifest(out).count, 2)
        XCTAssertEqual(try SynthTestData.files(out).keys.filter { $0.hasSuffix(".png") }.count, 2)
    }

    /// A run cut short (files of some pairs missing, a half-written journal line), then resumed:
    /// the same files and MANIFEST.csv as the whole run. (The CLI test kills a real process.)
    func testResumeCompletesAnInterruptedOutputExactly() throws {
        let photos = try SynthTestData.photoFolder(self)
        let out = try makeTempDir(self).appendingPathComponent("out")
        let o = SynthTestData.options([photos.path], out: out, families: ["test-blurup"])
        _ = try run(o, [BlurUpFamily()])
        var whole = try SynthTestData.files(out)
        whole["manifest.json"] = nil; whole[".synth/journal.csv"] = nil

        // Keep the first 5 journalled pairs plus half a line; remove the other pairs' fakes and the manifest.
        let journal = out.appendingPathComponent(".synth/journal.csv")
        let lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.prefix(10).joined(separator: "\n") + "\n" + lines[10].prefix(20)
        try Data(kept.utf8).write(to: journal)
        for line in lines.dropFirst(10) where line.contains("/1_fake/") {
            let file = String(line.split(separator: ",")[3])
            try? FileManager.default.removeItem(at: out.appendingPathComponent(file))
        }
        try FileManager.default.removeItem(at: out.appendingPathComponent("MANIFEST.csv"))

        let (s, _) = try run(o, [BlurUpFamily()], threads: 2, resume: true)
        XCTAssertEqual(s.alreadyDone, 5)
        XCTAssertGreaterThan(s.madeNow, 0)
        var resumed = try SynthTestData.files(out)
        resumed["manifest.json"] = nil; resumed[".synth/journal.csv"] = nil
        XCTAssertEqual(Set(resumed.keys), Set(whole.keys))
        for (k, v) in whole { XCTAssertEqual(v, resumed[k], k) }
        let m = try JSONDecoder().decode(SynthRunManifest.self, from: Data(contentsOf: out.appendingPathComponent("manifest.json")))
        XCTAssertEqual(m.resumedAt.count, 1)
    }

    /// `--jpeg-align`: cells of a scale-1 JPEG on its 16x16 MCU grid; fakes re-encoded with the
    /// source's tables (re-encoding them once more changes them much less than it changes the
    /// unaligned run's fakes); the halved photo's real re-encoded too; PNG/WebP sources untouched.
    func testJPEGAlign() throws {
        let photos = try SynthTestData.photoFolder(self)
        let tmp = try makeTempDir(self)
        var o = SynthTestData.options([photos.path], out: tmp.appendingPathComponent("aligned"), families: ["check-box2x"])
        o.jpegAlign = true
        _ = try run(o, [SynthCheckFamily()])
        var plain = o
        plain.jpegAlign = false
        plain.output = tmp.appendingPathComponent("plain").path
        _ = try run(plain, [SynthCheckFamily()])
        let rows = try SynthTestData.manifest(tmp.appendingPathComponent("aligned"))
        var alignedGain: [Double] = [], plainGain: [Double] = []
        for row in rows where row["label"] == "1_fake" {
            let source = row["source"]!
            let box = row["crop_box"]!.split(separator: " ").map { Int($0)! }
            if source.hasSuffix(".jpg") {
                XCTAssertEqual(box[0] % 16, 0, source); XCTAssertEqual(box[1] % 16, 0, source)
                XCTAssertTrue(row["jpeg"]!.hasSuffix("grid=source"), row["jpeg"]!)
            } else if source.hasSuffix(".JPEG") {
                XCTAssertTrue(row["jpeg"]!.hasSuffix("grid=patch"), row["jpeg"]!)
                let realRow = rows.first { $0["file"] == row["file"]!.replacingOccurrences(of: "/1_fake/", with: "/0_real/") }!
                XCTAssertTrue(realRow["jpeg"]!.contains("reencoded=source_tables"), realRow["jpeg"]!)
            } else {
                XCTAssertEqual(row["jpeg"], "none", source)
                continue
            }
            let q = try JPEGQuantization.read(data: [UInt8](try Data(contentsOf: URL(fileURLWithPath: source))), name: source)
            func change(_ root: String) throws -> Double {
                let path = tmp.appendingPathComponent("\(root)/\(row["file"]!)").path
                guard FileManager.default.fileExists(atPath: path) else { return .nan }
                let img = try ImageDecoder.decode(path: path).image
                let again = try ImageDecoder.decode(data: try ImageEncoder.jpeg(img, matching: q), name: "again").image
                return zip(img.pixels, again.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(img.pixels.count)
            }
            alignedGain.append(try change("aligned"))
            if source.hasSuffix(".jpg") { plainGain.append(try change("plain")) }  // same boxes only for BSDS (481-256 = 225 -> 112 = 7 * 16)
        }
        let a = alignedGain.reduce(0, +) / Double(alignedGain.count)
        let p = plainGain.filter { !$0.isNaN }.reduce(0, +) / Double(plainGain.filter { !$0.isNaN }.count)
        print("synth jpeg-align: mean |re-encode - fake| aligned \(a), unaligned run \(p)")
        XCTAssertFalse(alignedGain.isEmpty)
        XCTAssertLessThan(a * 2, p)
    }

    /// `cnnspot train --dataroot OUT` reads the output directly: one step of a tiny ResNet-18.
    func testTrainerReadsTheOutput() throws {
        let photos = try SynthTestData.photoFolder(self)
        let out = try makeTempDir(self).appendingPathComponent("out")
        var o = SynthTestData.options([photos.path], out: out, families: ["check-box2x"], size: 64)
        o.valFraction = 0.3
        _ = try run(o, [SynthCheckFamily()])
        var t = TrainOptions(dataroot: out.path, name: "fromsynth")
        t.checkpointsDir = try makeTempDir(self).path
        t.architecture = .resnet18
        t.loadSize = 64; t.cropSize = 64; t.batchSize = 4; t.maxSteps = 1; t.threads = 1; t.workers = 1
        let trainer = try Trainer(options: t) { _ in }
        trainer.showProgress = false
        let summary = try trainer.run()
        XCTAssertEqual(summary.steps, 1)
        XCTAssertEqual(summary.skippedImages, 0)
    }
}
