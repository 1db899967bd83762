@_exported import CNNSpotImage
@_exported import CNNSpotNN
@_exported import CNNSpotCheckpoint
/// The version of the tool, written into manifests and `--version`.
public enum CNNSpotVersion { public static let string = "0.1.0" }
