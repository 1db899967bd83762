import CImageShims

/// A JPEG file's quantisation tables and chroma sampling, as libjpeg reads them from the header
/// (no pixels decoded), and the IJG quality they correspond to.
///
/// Used by `cnnspot synth --jpeg-align`: a fake made from a patch of a JPEG photo is re-encoded
/// with the same tables and sampling (`ImageEncoder.jpeg(_:matching:)`), so both sides carry one
/// JPEG generation of the same strength.
public struct JPEGQuantization: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// Per component (1...4): horizontal and vertical sampling factors and its table number.
    public var horizontalSampling: [Int]
    public var verticalSampling: [Int]
    public var tableOfComponent: [Int]
    /// Tables 0...3 (nil when the file defines none), 64 steps each in natural row-major order,
    /// as libjpeg stores them and as Pillow 13's `Image.quantization` lists them.
    public var tables: [[UInt16]?]

    /// The table of component 0 (Y, luminance in a YCbCr file).
    public var luminance: [UInt16] { tables[tableOfComponent[0]]! }
    public var components: Int { tableOfComponent.count }

    /// The MCU (the 8x8 block grid of the most finely sampled component, times its sampling):
    /// 16x16 for 4:2:0, 16x8 for 4:2:2, 8x8 for 4:4:4 and greyscale.
    public var mcuWidth: Int { 8 * (horizontalSampling.max() ?? 1) }
    public var mcuHeight: Int { 8 * (verticalSampling.max() ?? 1) }

    /// "4:2:0", "4:2:2", "4:4:4", "grey" or the factors spelled out (`2x1,1x1,1x1`).
    public var samplingName: String {
        if components == 1 { return "grey" }
        let f = zip(horizontalSampling, verticalSampling).map { "\($0)x\($1)" }
        if components == 3 && f[1] == "1x1" && f[2] == "1x1" {
            switch f[0] {
            case "1x1": return "4:4:4";
            case "2x2": return "4:2:0";
            case "2x1": return "4:2:2";
            default: break
            }
        }
        return f.joined(separator: ",")
    }

    /// Reads the tables of an in-memory JPEG; `name` is used in errors.
    public static func read(data: [UInt8], name: String) throws -> JPEGQuantization {
        var q = cnnspot_jpeg_quant()
        try data.withUnsafeBufferPointer { buf in
            try shimCall(file: name) { cnnspot_jpeg_read_quant(buf.baseAddress, buf.count, &q, $0) }
        }
        let n = Int(q.components)
        let h = withUnsafeBytes(of: q.h_samp) { Array($0.bindMemory(to: Int32.self)) }.prefix(n).map { Int($0) }
        let v = withUnsafeBytes(of: q.v_samp) { Array($0.bindMemory(to: Int32.self)) }.prefix(n).map { Int($0) }
        let t = withUnsafeBytes(of: q.table_of) { Array($0.bindMemory(to: Int32.self)) }.prefix(n).map { Int($0) }
        let present = withUnsafeBytes(of: q.present) { Array($0.bindMemory(to: Int32.self)) }
        let all = withUnsafeBytes(of: q.tables) { Array($0.bindMemory(to: UInt16.self)) }
        let tables: [[UInt16]?] = (0..<4).map { i in present[i] != 0 ? Array(all[(i * 64)..<(i * 64 + 64)]) : nil }
        return JPEGQuantization(
            width: Int(q.width), height: Int(q.height), horizontalSampling: h,
            verticalSampling: v, tableOfComponent: t, tables: tables)
    }

    /// The C struct for the encoder.
    func cValue() -> cnnspot_jpeg_quant {
        var q = cnnspot_jpeg_quant()
        q.width = Int32(width); q.height = Int32(height); q.components = Int32(components)
        withUnsafeMutableBytes(of: &q.h_samp) { b in
            for (i, x) in horizontalSampling.enumerated() { b.storeBytes(of: Int32(x), toByteOffset: i * 4, as: Int32.self) }
        }
        withUnsafeMutableBytes(of: &q.v_samp) { b in
            for (i, x) in verticalSampling.enumerated() { b.storeBytes(of: Int32(x), toByteOffset: i * 4, as: Int32.self) }
        }
        withUnsafeMutableBytes(of: &q.table_of) { b in
            for (i, x) in tableOfComponent.enumerated() { b.storeBytes(of: Int32(x), toByteOffset: i * 4, as: Int32.self) }
        }
        withUnsafeMutableBytes(of: &q.present) { b in
            for (i, t) in tables.enumerated() { b.storeBytes(of: Int32(t == nil ? 0 : 1), toByteOffset: i * 4, as: Int32.self) }
        }
        withUnsafeMutableBytes(of: &q.tables) { b in
            for (i, t) in tables.enumerated() {
                guard let t else { continue }
                for (j, x) in t.enumerated() { b.storeBytes(of: x, toByteOffset: (i * 64 + j) * 2, as: UInt16.self) }
            }
        }
        return q
    }
}

extension JPEGQuantization {
    /// The quantisation that acts on a transposed image as this one acts on the stored image:
    /// tables transposed (the DCT of a transposed block is the transposed DCT, and the tables
    /// are not symmetric) and horizontal/vertical sampling swapped. Re-encoding a patch of a
    /// photo shown with a transposing EXIF orientation (5-8) needs this; flips need nothing (they
    /// only change the signs of odd-frequency coefficients).
    public func transposed() -> JPEGQuantization {
        var t = self
        swap(&t.width, &t.height)
        swap(&t.horizontalSampling, &t.verticalSampling)
        t.tables = tables.map { table in table.map { v in (0..<64).map { v[($0 % 8) * 8 + $0 / 8] } } }
        return t
    }
}
