import Foundation
import XCTest
import CNNSpotCheckpoint

final class SafeTensorsTests: XCTestCase {
    /// A file written by the `safetensors` Python package (0.8.0): F32, F16, I64, F64, BF16 + metadata.
    func testReadsReferenceFile() throws {
        let ckpt = try Checkpoint.load(path: Fixtures.path("reference.safetensors"))
        XCTAssertEqual(ckpt.format, .safetensors)
        let entry = try XCTUnwrap(Fixtures.expected["reference.safetensors"] as? [String: Any])
        XCTAssertEqual(ckpt.metadata, entry["metadata"] as? [String: String])
        // The reference writer orders data by dtype alignment, then name; compare by key.
        let want = try Fixtures.expectedTensors("reference.safetensors")
        let byKey = Dictionary(uniqueKeysWithValues: ckpt.allTensors.map { ($0.key, $0) })
        try assertTensorsMatch(
            want.map { byKey[$0["key"] as! String] ?? ("missing", ckpt.allTensors[0].tensor) }, want,
            file: "reference.safetensors")
    }

    /// Writing then reading gives the same tensors; the header is padded to 8 and every tensor
    /// is aligned to its element size.
    func testRoundTripFloat32AndLayout() throws {
        let source = try Checkpoint.load(path: Fixtures.path("mixed.pth")).stateDict()
        let data = try SafeTensorsWriter.encode(source, metadata: ["format": "cnnspot", "quote\"key": "line\nbreak"], floats: .keep)
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(headerLength % 8, 0, "header padded to a multiple of 8")
        let back = try Checkpoint.load(data: data)
        XCTAssertEqual(back.metadata, ["format": "cnnspot", "quote\"key": "line\nbreak"])
        let byKey = Dictionary(uniqueKeysWithValues: back.allTensors.map { ($0.key, $0.tensor) })
        XCTAssertEqual(Set(byKey.keys), Set(source.map(\.key)))
        for (key, t) in source {
            let r = try XCTUnwrap(byKey[key], key)
            XCTAssertEqual(r.dtype, t.dtype, key)
            XCTAssertEqual(r.shape, t.shape, key)
            XCTAssertEqual(try r.contiguousBytes(), try t.contiguousBytes(), key)
            XCTAssertEqual(r.storageByteOffset % t.dtype.byteSize, 0, "\(key) aligned")
        }
    }

    func testFloat16OptionMatchesNumpyRounding() throws {
        let source = try Checkpoint.load(path: Fixtures.path("train.pth")).stateDict()
        let back = try Checkpoint.load(data: try SafeTensorsWriter.encode(source, floats: .float16)).allTensors
        let byKey = Dictionary(uniqueKeysWithValues: back.map { ($0.key, $0.tensor) })
        var worst: Float = 0
        for (key, t) in source {
            let r = try XCTUnwrap(byKey[key])
            XCTAssertEqual(r.dtype, t.dtype.isFloatingPoint ? .float16 : t.dtype, key)
            XCTAssertEqual(r.shape, t.shape, key)
            let a = try t.floatValues(), b = try r.floatValues()
            for (x, y) in zip(a, b) {
                let expected = HalfConversion.float(fromHalf: HalfConversion.half(fromFloat: x))
                XCTAssertEqual(y, expected, key)
                // Relative error bound holds for normal halves (|x| >= 2^-14).
                if x.isFinite, abs(x) >= 0x1p-14 { worst = max(worst, abs(x - y) / abs(x)) }
            }
        }
        print("fp16 round trip worst relative error \(worst) (bound 2^-11 = \(Float(1) / 2048))")
        XCTAssertLessThanOrEqual(worst, 1.0 / 2048)
    }

    func testFloatTensorConstructors() throws {
        let t = try CheckpointTensor(shape: [2, 2], floats: [1, -2, 3.5, 0])
        let n = try CheckpointTensor(shape: [], int64s: [42])
        let data = try SafeTensorsWriter.encode([("w", t), ("n", n)])
        let back = try Checkpoint.load(data: data)
        // Read back in data order: the writer puts 8-byte elements first (alignment).
        XCTAssertEqual(try back.stateDict().map(\.key), ["n", "w"])
        XCTAssertEqual(try back.root.dict?["w"]?.tensor?.floatValues(), [1, -2, 3.5, 0])
        XCTAssertEqual(try back.root.dict?["n"]?.tensor?.int64Values(), [42])
        XCTAssertThrowsError(try CheckpointTensor(shape: [3], floats: [1, 2]))
        XCTAssertThrowsError(try SafeTensorsWriter.encode([("w", t), ("w", t)]))
    }

    func testHalfConversionMatchesNumpy() throws {
        let entry = try XCTUnwrap(Fixtures.expected["half_rounding"] as? [String: Any])
        let floats = try XCTUnwrap(entry["float_bits"] as? [NSNumber]).map { Float(bitPattern: $0.uint32Value) }
        let halves = try XCTUnwrap(entry["half_bits"] as? [NSNumber]).map(\.uint16Value)
        XCTAssertEqual(floats.count, halves.count)
        var mismatches = 0
        for (f, h) in zip(floats, halves) {
            if HalfConversion.half(fromFloat: f) != h { mismatches += 1 }
            // Widening is exact: half -> float -> half is the identity on non-NaN values.
            XCTAssertEqual(HalfConversion.half(fromFloat: HalfConversion.float(fromHalf: h)), h)
        }
        XCTAssertEqual(mismatches, 0, "float->half bit patterns differing from numpy, of \(floats.count)")
        XCTAssertTrue(HalfConversion.float(fromHalf: HalfConversion.half(fromFloat: .nan)).isNaN)
    }
}
