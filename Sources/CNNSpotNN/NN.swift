import CDNNL
/// Placeholder until the neural core lands.
public enum NNVersion { public static let dnnl = Int(dnnl_version().pointee.major) }
