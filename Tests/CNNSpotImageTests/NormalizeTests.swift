import CNNSpotImage
import XCTest

/// `ToTensor()` + `Normalize(ImageNet)` against torchvision 0.29.2: float32 compared
/// bit for bit (0 ulp).
final class NormalizeTests: XCTestCase {
    func testBitIdenticalToTorchvision() throws {
        let cases = try OpsFixtures.manifest("normalize")
        XCTAssertEqual(cases.count, 4)
        for c in cases {
            let input = try OpsFixtures.image(try XCTUnwrap(c["input"] as? String))
            let expected = try OpsFixtures.floats(try XCTUnwrap(c["expected"] as? String))
            XCTAssertEqual(expected.shape, [3, input.height, input.width])
            let out = TensorNormalization.imageNet.chw(input)
            XCTAssertEqual(out.count, expected.values.count)
            var worstULP: UInt32 = 0, worstAbs: Float = 0
            for i in 0..<out.count {
                let a = out[i].bitPattern, b = expected.values[i].bitPattern
                worstULP = max(worstULP, a > b ? a - b : b - a)
                worstAbs = max(worstAbs, abs(out[i] - expected.values[i]))
            }
            print("normalize \(c["input"]!): worst \(worstULP) ulp, \(worstAbs) abs")
            XCTAssertEqual(worstULP, 0, "\(c["input"]!)")
        }
    }

    func testBatchWriteAtIndex() throws {
        let a = try OpsFixtures.image("in_edge_17x9.npy")
        let b = horizontalFlip(a)
        let n = 3 * a.width * a.height
        var batch = [Float](repeating: .nan, count: 2 * n)
        try TensorNormalization.imageNet.write(b, into: &batch, index: 1)
        try TensorNormalization.imageNet.write(a, into: &batch, index: 0)
        XCTAssertEqual(Array(batch[0..<n]), TensorNormalization.imageNet.chw(a))
        XCTAssertEqual(Array(batch[n...]), TensorNormalization.imageNet.chw(b))
        XCTAssertThrowsError(try TensorNormalization.imageNet.write(a, into: &batch, index: 2)) { err in
            XCTAssertTrue("\(err)".contains("item 2"), "\(err)")
        }
    }
}
