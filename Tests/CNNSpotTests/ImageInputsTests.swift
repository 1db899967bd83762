import Foundation
import XCTest
import CNNSpot

/// Input expansion on a temporary tree with hidden files, stray files, link loops and lists.
final class ImageInputsTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        let dir = try makeTempDir(self)
        root = dir.path
        for f in [
            "a.png", "b.JPG", "notes.txt", ".hidden.png", "sub/c.webp", "sub/d.png", "sub/.hid/e.png",
            "sub/deep/f.jpeg", "other/g.bmp"
        ] {
            try touch(dir.appendingPathComponent(f))
        }
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: root + "/loop", withDestinationPath: root)
        try fm.createSymbolicLink(atPath: root + "/sub/loop2", withDestinationPath: "../sub")
        try fm.createSymbolicLink(atPath: root + "/broken.png", withDestinationPath: root + "/nowhere.png")
        try fm.createSymbolicLink(atPath: root + "/selfloop.png", withDestinationPath: root + "/selfloop.png")
        try touch(
            dir.appendingPathComponent("lists/list.txt"),
            "../a.png\n# a comment\n\n  ../sub/*.png  \r\nmissing.png\n@nested.txt\n\(root)/other\n")
    }

    func images(_ items: [InputItem]) -> [String] { items.compactMap(\.path) }
    func failures(_ items: [InputItem]) -> [(String, String)] {
        items.compactMap { if case let .failure(i, r) = $0 { return (i, r) } else { return nil } }
    }

    func testFolderIsRecursiveSortedAndSkipsHiddenLoopsAndNonImages() {
        let items = ImageInputs().expand([root])
        XCTAssertEqual(images(items), ["a.png", "b.JPG", "other/g.bmp", "sub/c.webp", "sub/d.png", "sub/deep/f.jpeg"].map { root + "/" + $0 })
        let f = failures(items)
        XCTAssertEqual(f.count, 2, "\(f)")  // the broken .png link and the self-loop link
        // Each named as itself, and a loop as a loop (issue 13 row 11), not as a broken link.
        XCTAssertEqual(f.map { ($0.0 as NSString).lastPathComponent }, ["broken.png", "selfloop.png"])
        XCTAssertTrue(f[0].1.contains("broken symbolic link"), "\(f)")
        XCTAssertEqual(f[1].1, "symbolic link loop")
        // The extension filter is configurable and case-insensitive.
        XCTAssertEqual(images(ImageInputs(extensions: ["PNG"]).expand([root + "/sub"])), [root + "/sub/d.png"])
    }

    func testFilesMissingAndDeduplication() {
        let items = ImageInputs().expand([
            root + "/b.JPG", root + "/notes.txt", root + "/nope.png",
            root + "/a.png", root + "/sub/../a.png", root + "/loop/a.png", root
        ])
        XCTAssertEqual(
            images(items).prefix(3), [root + "/b.JPG", root + "/notes.txt", root + "/a.png"],
            "named files are kept whatever their extension")
        XCTAssertEqual(images(items).filter { $0.hasSuffix("a.png") }.count, 1, "same file by other paths is kept once")
        XCTAssertEqual(images(items).count, 7)  // b, notes, a, then g, c, d, f from the folder
        XCTAssertTrue(items.contains(.failure(input: root + "/nope.png", reason: "no such file or folder")))
        XCTAssertEqual(items[2], .failure(input: root + "/nope.png", reason: "no such file or folder"), "failures keep their place")
    }

    func testGlobs() {
        let x = ImageInputs()
        XCTAssertEqual(images(x.expand([root + "/*.png"])), [root + "/a.png"], "hidden and broken entries do not match")
        XCTAssertEqual(images(x.expand([root + "/**/*.png"])), [root + "/a.png", root + "/sub/d.png"])
        XCTAssertEqual(images(x.expand([root + "/s?b/[cd].*"])), [root + "/sub/c.webp", root + "/sub/d.png"])
        XCTAssertEqual(
            images(x.expand([root + "/[!asl]*"])), [root + "/b.JPG", root + "/other/g.bmp"],
            "a matched folder is expanded, a matched non-image file is not")
        XCTAssertEqual(images(x.expand([root + "/**"])).count, 6)
        XCTAssertEqual(images(x.expand([root + "/sub/.*/*.png"])), [root + "/sub/.hid/e.png"], "a dot pattern matches hidden names")
        XCTAssertEqual(failures(x.expand([root + "/*.gif"])).map(\.1), ["no image matches the pattern"])
    }

    func testListFileIsRelativeToItsFolder() {
        let items = ImageInputs().expand(["@" + root + "/lists/list.txt"])
        XCTAssertEqual(images(items), [root + "/lists/../a.png", root + "/lists/../sub/d.png", root + "/other/g.bmp"])
        let f = failures(items)
        XCTAssertEqual(f.map(\.0), [root + "/lists/missing.png", "@nested.txt"])
        XCTAssertEqual(failures(ImageInputs().expand(["@" + root + "/nolist.txt"])).map(\.1), ["list file: no such file"])
        XCTAssertTrue(failures(ImageInputs(maxListBytes: 10).expand(["@" + root + "/lists/list.txt"]))[0].1.contains("limit 10"))
    }

    func testStandardInput() {
        var lines = [root + "/sub/d.png", "", "# comment", root + "/sub/deep", root + "/zzz.png"][...]
        let items = ImageInputs().expand(["-", root + "/sub/d.png"]) { lines.popFirst() }
        XCTAssertEqual(images(items), [root + "/sub/d.png", root + "/sub/deep/f.jpeg"])
        XCTAssertEqual(failures(items).map(\.0), [root + "/zzz.png"])
    }

    func testImageLimit() {
        let items = ImageInputs(maxImages: 2).expand([root])
        XCTAssertEqual(images(items).count, 2)
        XCTAssertTrue(failures(items).contains { $0.1.contains("more than 2 images") }, "\(failures(items))")
    }
}

extension ImageInputsTests {
    func testRelativeGlobsAndFolders() throws {
        let fm = FileManager.default
        let saved = fm.currentDirectoryPath
        defer { fm.changeCurrentDirectoryPath(saved) }
        XCTAssertTrue(fm.changeCurrentDirectoryPath(root))
        let x = ImageInputs()
        XCTAssertEqual(images(x.expand(["**/*.png"])), ["a.png", "sub/d.png"])
        XCTAssertEqual(images(x.expand(["sub"])), ["sub/c.webp", "sub/d.png", "sub/deep/f.jpeg"])
        XCTAssertEqual(images(x.expand(["./sub/d.png", "sub/d.png"])), ["./sub/d.png"])
    }
}
