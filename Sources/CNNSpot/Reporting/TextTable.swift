/// Fixed-width text columns for terminal tables (Foundation's `%-10@` does not pad on Linux).
public enum TextTable {
    /// `cells` padded to `widths`; a negative width left-aligns, a positive one right-aligns.
    public static func row(_ cells: [String], _ widths: [Int]) -> String {
        zip(cells, widths).map { cell, w in
            let n = abs(w), pad = String(repeating: " ", count: max(0, n - cell.count))
            return w < 0 ? cell + pad : pad + cell
        }.joined(separator: " ")
    }
}
