/// A colour map from [0, 1] to RGB, piecewise-linear between control points. The built-in maps
/// approximate matplotlib's perceptually uniform `viridis` and `magma` with 9 control points
/// each (their colours at 0, 1/8, ..., 1), interpolated in sRGB.
public struct Colormap: Sendable {
    public let name: String
    /// Evenly spaced control colours, first at 0 and last at 1.
    public let stops: [(UInt8, UInt8, UInt8)]

    public init(name: String, stops: [(UInt8, UInt8, UInt8)]) {
        precondition(stops.count >= 2, "Colormap needs at least two colours")
        self.name = name
        self.stops = stops
    }

    public static let viridis = Colormap(
        name: "viridis",
        hex: [
            0x440154, 0x472C7A, 0x3B518B, 0x2C718E, 0x21908D, 0x27AD81, 0x5CC863, 0xAADC32, 0xFDE725
        ])
    public static let magma = Colormap(
        name: "magma",
        hex: [
            0x000004, 0x1C1044, 0x4F127B, 0x812581, 0xB5367A, 0xE55064, 0xFB8761, 0xFEC287, 0xFCFDBF
        ])
    public static let grey = Colormap(name: "grey", hex: [0x000000, 0xFFFFFF])

    init(name: String, hex: [UInt32]) {
        self.init(name: name, stops: hex.map { (UInt8($0 >> 16), UInt8(($0 >> 8) & 0xFF), UInt8($0 & 0xFF)) })
    }

    /// The colour at `t` (clamped to [0, 1]; NaN maps to 0).
    public func color(at t: Double) -> (UInt8, UInt8, UInt8) {
        let u = t.isNaN ? 0 : min(max(t, 0), 1) * Double(stops.count - 1)
        let i = min(Int(u), stops.count - 2)
        let f = u - Double(i)
        let a = stops[i], b = stops[i + 1]
        func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) + (Double(y) - Double(x)) * f).rounded()) }
        return (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }
}
