/// A transposed convolution of a generator, inference only (`torch.nn.ConvTranspose2d` in eval
/// mode): square kernel `k`, stride `s`, padding `p`, output padding `op`, optional bias, fused
/// activation. Output size `(H - 1) s - 2p + k + op`. PyTorch's weight is `[in, out, k, k]`;
/// oneDNN's deconvolution takes `[out, in, k, k]` with the same taps (no flip:
/// `y[oc, ih s + kh - p] += x[ic, ih] w[ic, oc, kh]` in both), so the weight is transposed on
/// the first two axes when loaded. The output padding goes to the right/bottom padding
/// (`p - op`). oneDNN deconvolution forward, a primitive per input shape.
final class GeneratorDeconv {
    let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int, outputPadding: Int
    let activation: GeneratorActivation
    private let weights: InferenceParameter
    private let bias: InferenceParameter?
    private var cache: [[Int]: DNNLPrimitive] = [:]

    /// `weight` in PyTorch's layout `[in, out, k, k]`.
    init(
        weight: HostTensor, bias: HostTensor?, stride: Int, padding: Int, outputPadding: Int = 0,
        activation: GeneratorActivation = .identity, name: String
    ) throws {
        guard weight.shape.count == 4, weight.shape[2] == weight.shape[3] else {
            throw NNError.badShape("\(name).weight: \(weight.shape), expected [in, out, k, k]")
        }
        inChannels = weight.shape[0]; outChannels = weight.shape[1]; kernel = weight.shape[2]
        if let bias, bias.shape != [outChannels] {
            throw NNError.badShape("\(name).bias: \(bias.shape), expected [\(outChannels)]")
        }
        guard stride > 0, padding >= 0, outputPadding >= 0, outputPadding < stride else {
            throw NNError.badShape("\(name): stride \(stride) padding \(padding) output padding \(outputPadding)")
        }
        self.stride = stride; self.padding = padding; self.outputPadding = outputPadding; self.activation = activation
        let k2 = kernel * kernel
        var oihw = [Float](repeating: 0, count: weight.count)
        for i in 0..<inChannels {
            for o in 0..<outChannels {
                for t in 0..<k2 { oihw[(o * inChannels + i) * k2 + t] = weight.data[(i * outChannels + o) * k2 + t] }
            }
        }
        weights = try InferenceParameter(dims: [outChannels, inChannels, kernel, kernel], values: oihw)
        self.bias = try bias.map { try InferenceParameter(dims: $0.shape, values: $0.data) }
    }

    func outputShape(for x: [Int]) throws -> [Int] {
        guard x.count == 4, x[1] == inChannels else {
            throw NNError.badShape("conv-transpose \(inChannels)->\(outChannels): input \(x)")
        }
        let oh = (x[2] - 1) * stride - 2 * padding + kernel + outputPadding
        let ow = (x[3] - 1) * stride - 2 * padding + kernel + outputPadding
        guard oh > 0, ow > 0 else { throw NNError.badShape("conv-transpose k\(kernel) s\(stride): input \(x) too small") }
        return [x[0], outChannels, oh, ow]
    }

    private func primitive(for x: [Int]) throws -> DNNLPrimitive {
        if let p = cache[x] { return p }
        let out = try outputShape(for: x)
        let what = "generator conv-transpose \(x) -> \(out) k\(kernel) s\(stride) p\(padding) op\(outputPadding)"
        let window = DNNLWindow(
            strides: [stride, stride], padBefore: [padding, padding],
            padAfter: [padding - outputPadding, padding - outputPadding])
        let pd = try DNNLPrimitiveDesc.convolution(
            .inference, transposed: true, src: .any(x), weights: .any(weights.dims),
            bias: bias == nil ? nil : .plain([outChannels]), dst: .any(out),
            window: window, attr: try activation.attributes(sum: false), what: what)
        let p = try DNNLPrimitive(pd)
        cache[x] = p
        return p
    }

    /// `x` `[N, in, H, W]` (any layout) -> `[N, out, OH, OW]`.
    func forward(_ x: Tensor) throws -> Tensor {
        let p = try primitive(for: x.shape)
        let pd = p.desc
        let src = try x.memory.reordered(to: pd.md(.src))
        let y = try Tensor(output: pd.md(.dst))
        var args = [
            DNNLArg.src: src, DNNLArg.weights: try weights.memory(in: pd.md(.weights)).memory,
            DNNLArg.dst: y.memory
        ]
        if let bias { args[DNNLArg.bias] = try bias.memory(in: pd.md(.bias)).memory }
        try p.execute(args: args, what: "generator conv-transpose \(x.shape)")
        return y
    }
}
