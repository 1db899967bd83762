import ZIPFoundation
public enum CheckpointVersion { public static let value = 1 }
