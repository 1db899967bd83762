/// An image operation was given arguments it cannot honour (a negative sigma, a crop larger
/// than the image, a buffer of the wrong size). The message names the operation, the value
/// and the limit.
public struct ImageOpError: Error, CustomStringConvertible, Equatable, Sendable {
    public let operation: String
    public let message: String

    public init(_ operation: String, _ message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }
}
