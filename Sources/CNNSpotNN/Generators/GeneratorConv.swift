/// A 2-D convolution of a generator, inference only (`torch.nn.Conv2d` in eval mode): square
/// kernel, stride, symmetric zero padding, optional bias, fused activation and optional residual
/// sum (`y = act(conv(x) + b + r)`). Weight `[out, in, k, k]` (OIHW), bias `[out]`.
/// oneDNN direct convolution, forward-inference, in the layouts oneDNN prefers (`nChw8c` on
/// AVX2); a primitive per input shape. oneDNN's direct forward kernels sum over input channels
/// and taps in a fixed order per output element, so the result does not depend on the thread count.
final class GeneratorConv {
    let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int
    let activation: GeneratorActivation
    private let weights: InferenceParameter
    private let bias: InferenceParameter?
    private var cache: [[Int]: DNNLPrimitive] = [:]

    init(
        weight: HostTensor, bias: HostTensor?, stride: Int = 1, padding: Int, activation: GeneratorActivation = .identity,
        name: String
    ) throws {
        guard weight.shape.count == 4, weight.shape[2] == weight.shape[3] else {
            throw NNError.badShape("\(name).weight: \(weight.shape), expected [out, in, k, k]")
        }
        outChannels = weight.shape[0]; inChannels = weight.shape[1]; kernel = weight.shape[2]
        if let bias, bias.shape != [outChannels] {
            throw NNError.badShape("\(name).bias: \(bias.shape), expected [\(outChannels)]")
        }
        precondition(stride > 0 && padding >= 0)
        self.stride = stride; self.padding = padding; self.activation = activation
        weights = try InferenceParameter(dims: weight.shape, values: weight.data)
        self.bias = try bias.map { try InferenceParameter(dims: $0.shape, values: $0.data) }
    }

    func outputShape(for x: [Int]) throws -> [Int] {
        guard x.count == 4, x[1] == inChannels, x[2] + 2 * padding >= kernel, x[3] + 2 * padding >= kernel else {
            throw NNError.badShape("conv \(inChannels)->\(outChannels) k\(kernel): input \(x)")
        }
        return [x[0], outChannels, (x[2] + 2 * padding - kernel) / stride + 1, (x[3] + 2 * padding - kernel) / stride + 1]
    }

    private func primitive(for x: [Int], sum: Bool) throws -> DNNLPrimitive {
        let key = x + [sum ? 1 : 0]
        if let p = cache[key] { return p }
        let out = try outputShape(for: x)
        let what = "generator conv \(x) -> \(out) k\(kernel) s\(stride) p\(padding)"
        let pd = try DNNLPrimitiveDesc.convolution(
            .inference, src: .any(x), weights: .any(weights.dims),
            bias: bias == nil ? nil : .plain([outChannels]), dst: .any(out),
            window: DNNLWindow(stride: stride, padding: padding),
            attr: try activation.attributes(sum: sum), what: what)
        let p = try DNNLPrimitive(pd)
        cache[key] = p
        return p
    }

    /// `x` `[N, in, H, W]` (any layout) -> `[N, out, OH, OW]`; with `residual` (the output's
    /// shape), `act(conv(x) + residual)`. The residual is copied, never written.
    func forward(_ x: Tensor, adding residual: Tensor? = nil) throws -> Tensor {
        let p = try primitive(for: x.shape, sum: residual != nil)
        let pd = p.desc
        let src = try x.memory.reordered(to: pd.md(.src))
        let dstDesc = pd.md(.dst)
        let y: Tensor
        if let residual {
            guard residual.shape == dstDesc.dims else {
                throw NNError.badShape("conv residual \(residual.shape), output \(dstDesc.dims)")
            }
            y = try Tensor(output: dstDesc)
            try residual.memory.reorder(into: y.memory)
        } else {
            y = try Tensor(output: dstDesc)
        }
        var args = [
            DNNLArg.src: src, DNNLArg.weights: try weights.memory(in: pd.md(.weights)).memory,
            DNNLArg.dst: y.memory
        ]
        if let bias { args[DNNLArg.bias] = try bias.memory(in: pd.md(.bias)).memory }
        try p.execute(args: args, what: "generator conv \(x.shape)")
        return y
    }
}
