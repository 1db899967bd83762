import Foundation
import XCTest
import CNNSpot

/// Set discovery on the shared MiniSynths corpus and on temporary ForenSynths-like trees.
final class ForenSynthsLayoutTests: XCTestCase {
    let minisynths = TestPaths.sharedData.appendingPathComponent("minisynths").path

    func testMiniSynthsTestRootHasThreeSets() throws {
        let d = try ForenSynthsLayout.discover(minisynths + "/test")
        XCTAssertEqual(d.sets.map(\.name), ["cyclegan", "realesrgan", "srvgg"])
        // Counts from the corpus README.
        XCTAssertEqual(d.sets.map(\.realCount), [30, 93, 60])
        XCTAssertEqual(d.sets.map(\.fakeCount), [30, 93, 60])
        XCTAssertTrue(d.warnings.isEmpty, "\(d.warnings)")
        for s in d.sets {
            XCTAssertEqual(s.classes, [])
            for im in s.images {
                XCTAssertTrue(im.path.contains(im.label == 0 ? "/0_real/" : "/1_fake/"), im.path)
                XCTAssertEqual(im.setName, s.name); XCTAssertNil(im.className)
                XCTAssertTrue(FileManager.default.fileExists(atPath: im.path))
            }
            // Reals first, each half sorted.
            XCTAssertEqual(s.images.map(\.label), s.images.map(\.label).sorted())
            let reals = s.images.filter { $0.label == 0 }.map(\.path)
            XCTAssertEqual(reals, reals.sorted())
        }
    }

    func testMiniSynthsSingleSetAndTrainSplit() throws {
        let one = try ForenSynthsLayout.discover(minisynths + "/test/cyclegan")
        XCTAssertEqual(one.sets.count, 1)
        XCTAssertEqual(one.sets[0].name, "cyclegan")
        XCTAssertEqual(one.sets[0].images.count, 60)
        let train = try ForenSynthsLayout.discover(minisynths + "/train", mode: .oneSet)
        XCTAssertEqual(train.sets.map(\.name), ["train"])
        XCTAssertEqual(train.sets[0].classes, ["realesrgan"])
        XCTAssertEqual(train.sets[0].realCount, 559); XCTAssertEqual(train.sets[0].fakeCount, 559)
        XCTAssertEqual(train.sets[0].images.first?.className, "realesrgan")
        XCTAssertEqual(
            try ForenSynthsLayout.discover(minisynths + "/train").sets.map(\.name), ["realesrgan"],
            "auto: a non-LSUN subfolder is a set of its own")
    }

    func testMultiClassEmptyStrayAndLoops() throws {
        let dir = try makeTempDir(self)
        let t = dir.appendingPathComponent("test")
        for f in [
            "progan/cat/0_real/1.png", "progan/cat/1_fake/1.png", "progan/airplane/0_real/2.png",
            "progan/airplane/1_fake/2.png", "progan/airplane/1_fake/3.PNG", "progan/airplane/1_fake/x.txt",
            "gaugan/0_real/a.png", "gaugan/1_fake/a.png", "gaugan/1_fake/deeper/b.jpg",
            "onlyfake/1_fake/a.png", "stray.txt", "noimages/0_real/readme.txt"
        ] {
            try touch(t.appendingPathComponent(f))
        }
        try FileManager.default.createDirectory(at: t.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: t.path + "/gaugan/0_real/loop", withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(atPath: t.path + "/gaugan/1_fake/up", withDestinationPath: "../1_fake")

        let d = try ForenSynthsLayout.discover(t.path)
        XCTAssertEqual(d.sets.map(\.name), ["gaugan", "onlyfake", "progan"])
        let gaugan = d.sets[0], progan = d.sets[2]
        XCTAssertEqual(gaugan.images.map { [$0.label] }, [[0], [1], [1]], "links back into the tree are not walked twice")
        XCTAssertEqual(progan.classes, ["airplane", "cat"])
        XCTAssertEqual(
            progan.images.map { "\($0.className!)/\($0.label)/\(($0.path as NSString).lastPathComponent)" },
            ["airplane/0/2.png", "airplane/1/2.png", "airplane/1/3.PNG", "cat/0/1.png", "cat/1/1.png"])
        XCTAssertTrue(progan.images.allSatisfy { $0.setName == "progan" })
        let w = d.warnings.joined(separator: "\n")
        XCTAssertTrue(w.contains("empty: skipped"), w)
        XCTAssertTrue(w.contains("'onlyfake' has no real image"), w)
        XCTAssertTrue(w.contains("'noimages' has no image, skipped"), w)

        // A generator folder on its own: LSUN class subfolders make it one merged set.
        let p = try ForenSynthsLayout.discover(t.path + "/progan")
        XCTAssertEqual(p.sets.map(\.name), ["progan"]); XCTAssertEqual(p.sets[0].images.count, 5)
        // CycleGAN's classes are not LSUN classes, but the set is known to be multi-class.
        for f in ["cyclegan/apple/0_real/a.png", "cyclegan/zebra/1_fake/z.png", "mine/foo/0_real/a.png", "mine/bar/1_fake/b.png"] {
            try touch(dir.appendingPathComponent(f))
        }
        let cg = try ForenSynthsLayout.discover(dir.path + "/cyclegan")
        XCTAssertEqual(cg.sets.map(\.name), ["cyclegan"]); XCTAssertEqual(cg.sets[0].classes, ["apple", "zebra"])
        XCTAssertEqual(
            try ForenSynthsLayout.discover(dir.path + "/mine").sets.map(\.name), ["bar", "foo"],
            "unknown names: each subfolder is a generator")
        // Explicit modes override the guess.
        XCTAssertEqual(try ForenSynthsLayout.discover(t.path + "/progan", mode: .setPerChild).sets.map(\.name), ["airplane", "cat"])
        XCTAssertEqual(try ForenSynthsLayout.discover(t.path, mode: .oneSet).sets.map(\.name), ["test"])
    }

    func testErrors() throws {
        let dir = try makeTempDir(self)
        XCTAssertThrowsError(try ForenSynthsLayout.discover(dir.path)) { XCTAssertTrue("\($0)".contains("no ForenSynths set"), "\($0)") }
        XCTAssertThrowsError(try ForenSynthsLayout.discover(dir.path + "/missing")) { XCTAssertTrue("\($0)".contains("not a folder")) }
    }
}
