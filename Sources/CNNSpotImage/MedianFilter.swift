/// `scipy.ndimage.median_filter(x, size=size, mode='reflect')` on a 2-D array, exact (a median
/// is a selection). The window for output (i, j) covers rows `i - size/2 ..< i - size/2 + size`
/// (and columns alike), borders extended by SciPy's 'reflect' (`d c b a | a b c d`); the
/// result is the element of rank `size*size / 2` (0-based) in the sorted window, so for an
/// even size it is the upper of the two middle values, as SciPy's rank filter picks.
/// Used for the spectrum's high-pass residual `x - median_filter(x, 3)`.
///
/// - Parameters:
///   - values: `height * width` values, row-major.
///   - size: window side, 1...31.
/// - Returns: `height * width` values, row-major.
public func medianFilter(_ values: [Float], height: Int, width: Int, size: Int) throws -> [Float] {
    try medianFilterGeneric(values, height: height, width: width, size: size)
}

/// `medianFilter` for uint8 planes (exact as well).
public func medianFilter(_ values: [UInt8], height: Int, width: Int, size: Int) throws -> [UInt8] {
    try medianFilterGeneric(values, height: height, width: width, size: size)
}

/// Kept internal and specialised per element type inside this module (a public generic would
/// run unspecialised, through witness tables, in client modules).
func medianFilterGeneric<T: Comparable>(_ values: [T], height: Int, width: Int, size: Int) throws -> [T] {
    guard height > 0, width > 0, values.count == height * width else {
        throw ImageOpError("medianFilter", "\(values.count) values for a \(height)x\(width) array")
    }
    guard size >= 1, size <= 31 else {
        throw ImageOpError("medianFilter", "size must be in 1...31, got \(size)")
    }
    if size == 1 { return values }
    let before = size / 2
    let rank = size * size / 2
    let rows = (0..<(height + size - 1)).map { reflectIndex($0 - before, height) }
    let cols = (0..<(width + size - 1)).map { reflectIndex($0 - before, width) }
    var out = values
    var window = [T]()
    window.reserveCapacity(size * size)
    for i in 0..<height {
        for j in 0..<width {
            window.removeAll(keepingCapacity: true)
            for di in 0..<size {
                let r = rows[i + di] * width
                for dj in 0..<size { window.append(values[r + cols[j + dj]]) }
            }
            out[i * width + j] = select(&window, rank: rank)
        }
    }
    return out
}

/// The element of 0-based `rank` in sorted order (quickselect, in place; the window is small).
private func select<T: Comparable>(_ a: inout [T], rank: Int) -> T {
    var lo = 0, hi = a.count - 1
    while lo < hi {
        let pivot = a[(lo + hi) / 2]
        var i = lo, j = hi
        while i <= j {
            while a[i] < pivot { i += 1 }
            while pivot < a[j] { j -= 1 }
            if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
        }
        if rank <= j { hi = j } else if rank >= i { lo = i } else { return a[rank] }
    }
    return a[rank]
}
