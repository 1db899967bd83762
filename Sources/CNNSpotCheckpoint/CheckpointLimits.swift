/// Bounds applied to untrusted checkpoint files. A forged header can never make the reader
/// allocate more than these limits allow (storages must also fit inside the file).
public struct CheckpointLimits: Sendable, Equatable {
    /// Largest accepted file (default 2 GiB).
    public var maxFileBytes: Int
    /// Largest pickle stream (`data.pkl` or the legacy object pickle).
    public var maxPickleBytes: Int
    /// Most values on the pickle stack at once.
    public var maxStackSize: Int
    /// Most memo entries.
    public var maxMemoSize: Int
    /// Most containers (tuples, lists, dicts) one pickle may create (a ResNet-50 needs ~2000).
    public var maxContainers: Int
    /// Deepest nesting of MARKs and of containers in the result.
    public var maxDepth: Int
    /// Largest safetensors JSON header (the reference implementation uses 100 MB).
    public var maxSafeTensorsHeaderBytes: Int

    public init(
        maxFileBytes: Int = 2 << 30, maxPickleBytes: Int = 64 << 20, maxStackSize: Int = 1 << 20,
        maxMemoSize: Int = 1 << 22, maxContainers: Int = 1 << 20, maxDepth: Int = 100, maxSafeTensorsHeaderBytes: Int = 100_000_000
    ) {
        self.maxFileBytes = maxFileBytes
        self.maxPickleBytes = maxPickleBytes
        self.maxStackSize = maxStackSize
        self.maxMemoSize = maxMemoSize
        self.maxContainers = maxContainers
        self.maxDepth = maxDepth
        self.maxSafeTensorsHeaderBytes = maxSafeTensorsHeaderBytes
    }

    public static let `default` = CheckpointLimits()
}
