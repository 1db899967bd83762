/// A dense float32 tensor in host memory, row-major (C-contiguous), with PyTorch's
/// logical shape (NCHW for activations, OIHW for conv weights). The exchange type
/// between checkpoints, the training core and the inference engine.
public struct HostTensor: Equatable, Sendable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "HostTensor: \(data.count) values for shape \(shape)")
        self.shape = shape
        self.data = data
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    public var count: Int { data.count }
}

/// Parameters and buffers by torchvision state-dict key (`layer1.0.bn2.running_var`, `fc.weight`).
public typealias StateDict = [String: HostTensor]
