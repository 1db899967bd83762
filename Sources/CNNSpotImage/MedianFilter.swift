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
    if size == 3 { return median3x3(values, height: height, width: width) }
    return medianSelect(values, height: height, width: width, size: size)
}

/// Any size: gathers each window and selects its element of rank `size*size / 2`.
func medianSelect<T: Comparable>(_ values: [T], height: Int, width: Int, size: Int) -> [T] {
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

/// Size 3 (the spectrum's residual): a fixed 19 compare-exchange network that leaves the
/// 5th smallest of 9 in the middle, so no per-pixel gathering into an array.
func median3x3<T: Comparable>(_ values: [T], height: Int, width: Int) -> [T] {
    let rows = (0..<(height + 2)).map { reflectIndex($0 - 1, height) * width }
    let cols = (0..<(width + 2)).map { reflectIndex($0 - 1, width) }
    var out = values
    values.withUnsafeBufferPointer { v in
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<height {
                let r0 = rows[i], r1 = rows[i + 1], r2 = rows[i + 2]
                for j in 0..<width {
                    let c0 = cols[j], c1 = cols[j + 1], c2 = cols[j + 2]
                    var p = (
                        v[r0 + c0], v[r0 + c1], v[r0 + c2], v[r1 + c0], v[r1 + c1], v[r1 + c2],
                        v[r2 + c0], v[r2 + c1], v[r2 + c2]
                    )
                    @inline(__always) func sort(_ a: inout T, _ b: inout T) {
                        if b < a { swap(&a, &b) }
                    }
                    sort(&p.1, &p.2); sort(&p.4, &p.5); sort(&p.7, &p.8)
                    sort(&p.0, &p.1); sort(&p.3, &p.4); sort(&p.6, &p.7)
                    sort(&p.1, &p.2); sort(&p.4, &p.5); sort(&p.7, &p.8)
                    sort(&p.0, &p.3); sort(&p.5, &p.8); sort(&p.4, &p.7)
                    sort(&p.3, &p.6); sort(&p.1, &p.4); sort(&p.2, &p.5)
                    sort(&p.4, &p.7); sort(&p.4, &p.2); sort(&p.6, &p.4)
                    sort(&p.4, &p.2)
                    o[i * width + j] = p.4
                }
            }
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
