import ArgumentParser
import CNNSpot

/// `cnnspot convert IN.pth OUT.safetensors [--fp16] [--strip-module-prefix]`
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a PyTorch checkpoint (.pth, zip or legacy) to safetensors, without Python.",
        discussion: "Writes the model state dict (found under 'model', 'state_dict' or at the top level) with CNNSpot metadata. No pickle code is executed.")

    @Argument(help: "Input checkpoint (.pth, .pt, or .safetensors).")
    var input: String

    @Argument(help: "Output .safetensors file.")
    var output: String

    @Flag(name: .customLong("fp16"), help: "Store floating-point tensors as float16 (default float32).")
    var fp16 = false

    @Flag(help: "Remove a leading 'module.' (nn.DataParallel) from every key.")
    var stripModulePrefix = false

    func run() throws {
        let s = try naming(input) {
            try CheckpointConversion.convert(input: input, output: output, float16: fp16, stripModulePrefix: stripModulePrefix)
        }
        let location = s.stateDictLocation.isEmpty ? "top level" : "'\(s.stateDictLocation)'"
        print("\(input) (\(s.sourceFormat.rawValue)): \(s.tensorCount) tensors, \(s.parameterCount) values from \(location)")
        print("wrote \(output) (\(s.outputBytes) bytes, \(fp16 ? "float16" : "float32"), architecture \(s.metadata[CNNSpotMetadata.architecture] ?? "unknown"))")
    }
}
