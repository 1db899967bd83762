import Foundation

/// A NumPy `.npy` array (format version 1.0 written; 1.0, 2.0 and 3.0 read): little-endian,
/// C order, `float32` (`<f4`), `float64` (`<f8`) or `uint8` (`|u1`).
/// Layout as `numpy.lib.format`: magic `\x93NUMPY`, version, header length, a Python dict
/// literal header padded with spaces to a multiple of 64 bytes and ended by `\n`, then data.
public struct NpyArray: Equatable, Sendable {
    public enum Values: Equatable, Sendable {
        case float32([Float])
        case float64([Double])
        case uint8([UInt8])
    }

    public var shape: [Int]
    public var values: Values

    /// Checks that the element count matches the shape.
    public init(shape: [Int], values: Values) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw NpyError.badShape("negative dimension in \(shape)") }
        let n = try NpyArray.elementCount(shape)
        guard n == values.count else {
            throw NpyError.badShape("shape \(shape) needs \(n) elements, got \(values.count)")
        }
        self.shape = shape
        self.values = values
    }

    public var count: Int { values.count }

    /// The values widened to Double (any dtype).
    public var doubles: [Double] {
        switch values {
        case .float32(let v): return v.map(Double.init)
        case .float64(let v): return v
        case .uint8(let v): return v.map(Double.init)
        }
    }

    static func elementCount(_ shape: [Int]) throws -> Int {
        var n = 1
        for d in shape {
            let (p, o) = n.multipliedReportingOverflow(by: d)
            guard !o else { throw NpyError.badShape("shape \(shape) overflows") }
            n = p
        }
        return n
    }
}

extension NpyArray.Values {
    var count: Int {
        switch self {
        case .float32(let v): return v.count
        case .float64(let v): return v.count
        case .uint8(let v): return v.count
        }
    }

    var descr: String {
        switch self {
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .uint8: return "|u1"
        }
    }
}

/// A malformed or unsupported `.npy` file.
public enum NpyError: Error, Equatable, CustomStringConvertible {
    case badShape(String)
    case malformed(String)
    case unsupported(String)
    case tooLarge(String)

    public var description: String {
        switch self {
        case .badShape(let m): return "npy: bad shape: \(m)"
        case .malformed(let m): return "npy: malformed file: \(m)"
        case .unsupported(let m): return "npy: unsupported: \(m)"
        case .tooLarge(let m): return "npy: too large: \(m)"
        }
    }
}

extension NpyError {
    /// The same error with the file's path in front of its message.
    func naming(_ path: String) -> NpyError {
        switch self {
        case .badShape(let m): return .badShape("\(path): \(m)")
        case .malformed(let m): return .malformed("\(path): \(m)")
        case .unsupported(let m): return .unsupported("\(path): \(m)")
        case .tooLarge(let m): return .tooLarge("\(path): \(m)")
        }
    }
}
