import Foundation

extension Calibration {
    /// Writes the model of `input` (`.pth` in either PyTorch format, or `.safetensors`) to
    /// `output` as safetensors with `threshold` in its metadata (`CNNSpotMetadata.threshold`) and
    /// `calibration` (JSON) describing the fit. A `.pth` is converted as `cnnspot convert` does
    /// (the model state dict, `module.` stripped, float32, fresh CNNSpot metadata); a
    /// safetensors file keeps its tensors' dtypes and its metadata apart from those two keys and
    /// the uncertain band (`uncertain_low`, `uncertain_high`: written from `band`, or removed).
    /// Returns the metadata written.
    @discardableResult
    public static func writeModel(
        from input: String, to output: String, threshold: Double,
        band: ClosedRange<Double>? = nil,
        calibration: [String: Any]
    ) throws -> [String: String] {
        try writeModel(
            from: input, to: output, threshold: threshold, band: band,
            calibrationJSON: try? JSONText.data(calibration))
    }

    /// `writeModel` with the fit described by `record` (what `cnnspot calibrate` stores).
    @discardableResult
    public static func writeModel(
        from input: String, to output: String, threshold: Double,
        band: ClosedRange<Double>? = nil,
        record: CalibrationRecord
    ) throws -> [String: String] {
        try writeModel(
            from: input, to: output, threshold: threshold, band: band,
            calibrationJSON: try? JSONText.encoder().encode(record))
    }

    private static func writeModel(
        from input: String, to output: String, threshold: Double,
        band: ClosedRange<Double>?, calibrationJSON: Data?
    ) throws -> [String: String] {
        guard threshold > 0, threshold < 1 else {
            throw CalibrationError.notEnoughData("threshold \(threshold) is not a probability in (0, 1)")
        }
        let checkpoint = try Checkpoint.load(path: input)
        let tensors = try checkpoint.stateDict(stripModulePrefix: true)
        var metadata: [String: String]
        if checkpoint.format == .safetensors && !checkpoint.metadata.isEmpty {
            metadata = checkpoint.metadata
        } else {
            metadata = CNNSpotMetadata.make(
                for: tensors,
                manifest: [
                    "source": URL(fileURLWithPath: input).lastPathComponent,
                    "source_format": checkpoint.format.rawValue,
                    "state_dict_location": checkpoint.stateDictLocation ?? ""
                ])
        }
        // Swift prints the shortest decimal that parses back to the same Double.
        metadata[CNNSpotMetadata.threshold] = "\(threshold)"
        // A band from an earlier calibration would not fit the new threshold: replaced or removed.
        metadata[Verdict.uncertainLowKey] = band.map { "\($0.lowerBound)" }
        metadata[Verdict.uncertainHighKey] = band.map { "\($0.upperBound)" }
        if let data = calibrationJSON {
            metadata["calibration"] = String(decoding: data, as: UTF8.self)
        }
        do {
            try SafeTensorsWriter.write(
                tensors, metadata: metadata,
                floats: checkpoint.format == .safetensors ? .keep : .float32, to: output)
        } catch {
            throw CalibrationError.io(path: output, reason: "\(error)")
        }
        return metadata
    }
}
