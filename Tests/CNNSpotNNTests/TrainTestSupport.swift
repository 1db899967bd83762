import CNNSpotTestSupport
import Foundation
import XCTest
import CNNSpotNN

/// Reads the fixtures of scripts/fixtures/make_nn_train_fixtures.py: little-endian float32
/// C-order .npy files under Fixtures/nn-train/<case>/.
enum TrainFixture {
    static let root = Repository.root
    static let dir = root.appendingPathComponent("Fixtures/nn-train")

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func load(_ caseName: String, _ name: String) throws -> HostTensor {
        let url = dir.appendingPathComponent(caseName).appendingPathComponent(name + ".npy")
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count > 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw Failure(description: "\(url.path): not a .npy file")
        }
        let major = bytes[6]
        let headerLength: Int, start: Int
        if major == 1 { headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; start = 10 } else {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24; start = 12
        }
        let header = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
        guard header.contains("'descr': '<f4'"), header.contains("'fortran_order': False"),
              let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw Failure(description: "\(url.path): unsupported header \(header)")
        }
        let shape = header[open.upperBound..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let n = shape.reduce(1, *)
        let body = start + headerLength
        guard bytes.count - body == 4 * n else { throw Failure(description: "\(url.path): \(bytes.count - body) bytes for shape \(shape)") }
        var data = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let o = body + 4 * i
            data[i] = Float(bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24)
        }
        return HostTensor(shape: shape, data: data)
    }
}

/// Asserts equal shapes, then `CNNSpotTestSupport.assertClose` (`|a - e| <= atol + rtol * |e|`
/// everywhere, the worst error printed). Returns the worst absolute error.
@discardableResult
func assertTrainClose(_ actual: HostTensor, _ expected: HostTensor, atol: Float, rtol: Float = 0, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) -> Float {
    XCTAssertEqual(actual.shape, expected.shape, "\(what): shape", file: file, line: line)
    guard actual.shape == expected.shape else { return .infinity }
    return assertClose(actual.data, expected.data, atol: atol, rtol: rtol, "[nn-train] \(what)", file: file, line: line)
}

extension Tensor {
    /// Test helper: a tensor from a fixture file.
    static func fixture(_ caseName: String, _ name: String) throws -> Tensor { try Tensor(TrainFixture.load(caseName, name)) }
}
