import CDNNL
/// The oneDNN library version linked at run time, e.g. "2.6.3".
public enum DNNLVersion {
    public static var string: String {
        let v = dnnl_version().pointee
        return "\(v.major).\(v.minor).\(v.patch)"
    }
}
