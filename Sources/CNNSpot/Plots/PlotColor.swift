/// An sRGB colour for plots.
public struct PlotColor: Sendable, Equatable, Hashable {
    public var r: UInt8, g: UInt8, b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }

    public init(hex: UInt32) { self.init(UInt8(hex >> 16), UInt8((hex >> 8) & 0xFF), UInt8(hex & 0xFF)) }

    public static let white = PlotColor(255, 255, 255)
    public static let black = PlotColor(0, 0, 0)
    static let text = PlotColor(hex: 0x222222)
    static let axis = PlotColor(hex: 0x444444)
    static let grid = PlotColor(hex: 0xE6E6E6)
    static let legendBorder = PlotColor(hex: 0xBBBBBB)

    /// Ten well-separated series colours (the "tab10" hues common in scientific plots).
    public static let palette: [PlotColor] = [
        0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD,
        0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF
    ].map { PlotColor(hex: $0) }
}
