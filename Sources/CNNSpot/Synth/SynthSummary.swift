/// What a synth run did, for the command's closing lines.
public struct SynthSummary: Sendable {
    /// Photos with at least one patch, per split.
    public var trainPhotos = 0
    public var valPhotos = 0
    /// Inputs or patches that failed (each also reported as it happened).
    public var failures = 0
    /// Photos skipped without error: too small or flat, or a copy of another input.
    public var skipped = 0
    /// Real/fake pairs per `split/family`, in the output when the run ended.
    public var pairs: [String: Int] = [:]
    /// Pairs made by this run, and pairs already complete from an earlier one (`--resume`).
    public var madeNow = 0
    public var alreadyDone = 0
    public var output = ""
}
