import Foundation
import XCTest
import CNNSpot

/// NpyArray vs files written by `numpy.save` (numpy 2.4.6): byte-identical writes, exact reads.
final class NpyTests: XCTestCase {
    func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: TestPaths.fixtures.appendingPathComponent(name)))
    }

    func testRoundTripIsByteIdenticalToNumpy() throws {
        for name in [
            "npy_f32_3x4.npy", "npy_f64_5.npy", "npy_u8_2x3x3.npy", "npy_f64_scalar.npy",
            "npy_f32_empty_0x3.npy", "npy_f32_bigshape.npy"
        ] {
            let original = try bytes(name)
            let a = try NpyArray(decoding: original)
            XCTAssertEqual(a.encoded(), original, name)
        }
    }

    func testValuesAndShapes() throws {
        let f32 = try TestPaths.npy("npy_f32_3x4.npy")
        XCTAssertEqual(f32.shape, [3, 4])
        XCTAssertEqual(f32.values, .float32((0..<12).map { Float($0) / 7 }))
        let f64 = try TestPaths.npy("npy_f64_5.npy")
        XCTAssertEqual(f64.shape, [5])
        XCTAssertEqual(f64.doubles, [0, -1.5, Double.pi, 1e300, -0.0])
        XCTAssertEqual(f64.doubles[4].sign, .minus)
        let u8 = try TestPaths.npy("npy_u8_2x3x3.npy")
        XCTAssertEqual(u8.shape, [2, 3, 3])
        XCTAssertEqual(u8.values, .uint8((0..<18).map { UInt8($0 * 14) }))
        XCTAssertEqual(try TestPaths.npy("npy_f64_scalar.npy").shape, [])
        XCTAssertEqual(try TestPaths.npy("npy_f32_empty_0x3.npy").count, 0)
    }

    func testWriteAndReadFile() throws {
        let dir = try makeTempDir(self)
        let url = dir.appendingPathComponent("x.npy")
        let a = try NpyArray(shape: [2, 2], values: .float64([1, 2, 3, 4]))
        try a.write(to: url)
        XCTAssertEqual(try NpyArray.read(from: url), a)
    }

    func testRejectsUnsupportedAndCorrupt() throws {
        XCTAssertThrowsError(try TestPaths.npy("npy_f64_fortran.npy")) { XCTAssertTrue("\($0)".contains("fortran"), "\($0)") }
        XCTAssertThrowsError(try TestPaths.npy("npy_i4_2.npy")) { XCTAssertTrue("\($0)".contains("<i4"), "\($0)") }
        var truncated = try bytes("npy_f32_3x4.npy"); truncated.removeLast(3)
        XCTAssertThrowsError(try NpyArray(decoding: truncated)) { XCTAssertTrue("\($0)".contains("data bytes"), "\($0)") }
        XCTAssertThrowsError(try NpyArray(decoding: Array("hello".utf8)))
        XCTAssertThrowsError(try NpyArray(shape: [2, 3], values: .uint8([1, 2])))
        let dir = try makeTempDir(self)
        let big = dir.appendingPathComponent("big.npy")
        try a4().write(to: big)
        XCTAssertThrowsError(try NpyArray.read(from: big, maxBytes: 100)) {
            guard case NpyError.tooLarge(let m) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(m.contains("big.npy"))
        }
    }

    private func a4() throws -> NpyArray { try NpyArray(shape: [64], values: .float32([Float](repeating: 1, count: 64))) }
}
