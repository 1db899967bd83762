import CNNSpotImage

/// One real patch ready to be paired: its pixels (what `0_real` holds), their PNG bytes, and
/// the JPEG notes of both sides for the manifest.
struct SynthPatch {
    var cell: SynthCell
    var name: String
    var real: RGBImage
    var realPNG: [UInt8]
    var realJPEGNote: String
    var fakeJPEGNote: String
    /// The tables a fake is re-encoded with (`--jpeg-align` and a JPEG source), else nil.
    var fakeQuantization: JPEGQuantization?

    /// The patches of `plan`'s cells in `photo` (the photo decoded again, same recipe).
    static func cut(_ photo: SynthPhoto, plan: SynthPhotoPlan, options: SynthOptions) throws -> [SynthPatch] {
        try plan.cells.map { cell in
            var real = try crop(photo.image, top: cell.top, left: cell.left, height: options.size, width: options.size)
            var realNote = plan.jpegNote, fakeNote = "none"
            var quant: JPEGQuantization? = nil
            if options.jpegAlign, let q = photo.reencodeQuantization {
                quant = q
                if photo.scale == 1 {
                    realNote += ";grid=source"
                    fakeNote = "reencoded=source_tables;" + plan.jpegNote + ";grid=source"
                } else {
                    // The 0.5x resize has blurred the source's grid away: give both sides one
                    // fresh generation on the patch's own grid.
                    real = try reencode(real, matching: q, name: plan.path)
                    realNote += ";reencoded=source_tables;grid=patch"
                    fakeNote = "reencoded=source_tables;" + plan.jpegNote + ";grid=patch"
                }
            }
            return SynthPatch(
                cell: cell, name: plan.patchName(cell), real: real, realPNG: try ImageEncoder.png(real),
                realJPEGNote: realNote, fakeJPEGNote: fakeNote, fakeQuantization: quant)
        }
    }

    /// Encodes with `q`'s tables and sampling and decodes again (Pillow's decoder settings).
    static func reencode(_ image: RGBImage, matching q: JPEGQuantization, name: String) throws -> RGBImage {
        let bytes = try ImageEncoder.jpeg(image, matching: q)
        return try ImageDecoder.decode(data: bytes, name: "<\(name) re-encoded>").image
    }
}
