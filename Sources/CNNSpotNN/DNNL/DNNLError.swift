import CDNNL

/// A oneDNN call that did not return `dnnl_success`: which call, and the status by name.
public struct DNNLError: Error, CustomStringConvertible, Equatable {
    /// What was being done ("convolution forward primitive descriptor for [4, 3, 64, 64]").
    public let operation: String
    /// oneDNN's status name (`invalid_arguments`, `unimplemented`, `out_of_memory`, ...).
    public let status: String

    public var description: String { "oneDNN: \(operation) failed: \(status)" }
}

/// The name oneDNN's documentation uses for a status (dnnl_types.h `dnnl_status_t`).
func dnnlStatusName(_ status: dnnl_status_t) -> String {
    switch status {
    case dnnl_success: return "success"
    case dnnl_out_of_memory: return "out_of_memory"
    case dnnl_invalid_arguments: return "invalid_arguments"
    case dnnl_unimplemented: return "unimplemented"
    case dnnl_iterator_ends: return "iterator_ends"
    case dnnl_runtime_error: return "runtime_error"
    case dnnl_not_required: return "not_required"
    default: return "status \(status.rawValue)"
    }
}

/// Every oneDNN call goes through here: a failed status becomes a Swift error that names the
/// operation. Descriptor and primitive creation can fail on legitimate input (an unsupported
/// shape, memory exhaustion), so this throws rather than traps.
@inline(__always)
func dnnlCheck(_ status: dnnl_status_t, _ what: @autoclosure () -> String) throws {
    if status != dnnl_success {
        throw DNNLError(operation: what(), status: dnnlStatusName(status))
    }
}

/// For calls that can only fail through a bug of ours (destroying a handle we created,
/// querying a descriptor we built): a failed status stops the program with the operation named.
@inline(__always)
func dnnlRequire(_ status: dnnl_status_t, _ what: @autoclosure () -> String) {
    precondition(status == dnnl_success, "oneDNN: \(what()) failed: \(dnnlStatusName(status))")
}
