import XCTest

/// The one closeness check of the tests: equal counts, then `|actual - expected| <= atol +
/// rtol * |expected|` for every value (NaN never passes; equal values, infinities included, always
/// do), as `numpy.allclose`. Prints the worst
/// absolute error, where it is and the largest reference magnitude, so every run reports its
/// number; failures point at the caller's file and line. Returns the worst absolute error.
@discardableResult
public func assertClose<T: BinaryFloatingPoint>(
    _ actual: [T], _ expected: [T], atol: T, rtol: T = 0, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
) -> T {
    XCTAssertEqual(actual.count, expected.count, "\(what): value count", file: file, line: line)
    guard actual.count == expected.count else { return .infinity }
    var worst: T = 0, worstIndex = 0, violations = 0, maxRef: T = 0
    for i in 0..<actual.count {
        let e = expected[i], d = actual[i] == e ? 0 : abs(actual[i] - e)  // equal infinities pass
        if e.isFinite { maxRef = max(maxRef, abs(e)) }
        if !(d <= atol + rtol * abs(e)) { violations += 1 }
        if d > worst || d.isNaN { worst = d; worstIndex = i }
    }
    print("\(what): worst |err| \(worst) at \(worstIndex) (max |ref| \(maxRef), atol \(atol), rtol \(rtol), n \(actual.count))")
    if violations > 0 {
        XCTFail(
            "\(what): \(violations) of \(actual.count) values outside tolerance; worst \(worst) at \(worstIndex): "
                + "\(actual[worstIndex]) vs \(expected[worstIndex])", file: file, line: line)
    }
    return worst
}

/// The same check with a relative bound that has a floor: `|actual - expected| <= rtol *
/// max(|expected|, floor)` for every value (logits near zero are compared at the floor's scale).
/// Prints and returns the worst relative error `|actual - expected| / max(|expected|, floor)`.
@discardableResult
public func assertClose<T: BinaryFloatingPoint>(
    _ actual: [T], _ expected: [T], rtol: T, floor: T, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
) -> T {
    XCTAssertEqual(actual.count, expected.count, "\(what): value count", file: file, line: line)
    guard actual.count == expected.count else { return .infinity }
    var worst: T = 0, worstIndex = 0
    for i in 0..<actual.count {
        let e = expected[i], d = actual[i] == e ? 0 : abs(actual[i] - e) / max(abs(e), floor)
        if d > worst || d.isNaN { worst = d.isNaN ? .infinity : d; worstIndex = i }
    }
    print("\(what): worst relative error \(worst) at \(worstIndex) (rtol \(rtol), floor \(floor), n \(actual.count))")
    if !(worst <= rtol) {
        XCTFail(
            "\(what): worst relative error \(worst) at \(worstIndex): \(actual[worstIndex]) vs \(expected[worstIndex])",
            file: file, line: line)
    }
    return worst
}
