extension RGBImage {
    /// Draws `text` in the built-in `BitmapFont` with the top-left of its first cell at (x, y),
    /// each font pixel a `scale x scale` block; pixels outside the image are skipped.
    public mutating func drawText(_ text: String, x: Int, y: Int, scale: Int = 1, color: PlotColor) {
        var r = Raster(width: width, height: height)
        r.pixels = pixels
        r.text(text, x: x, y: y, scale: max(1, scale), color)
        pixels = r.pixels
    }
}
