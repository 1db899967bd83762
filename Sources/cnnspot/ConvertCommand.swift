import ArgumentParser
import Foundation
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

    @Option(
        name: .customLong("meta"), help: ArgumentHelp("Add KEY=VALUE to the output's metadata (repeatable; wins over the input's).", valueName: "key=value"))
    var meta: [String] = []

    @Option(
        name: .customLong("meta-file"),
        help: ArgumentHelp("Add KEY with the contents of FILE (UTF-8 text, at most 1 MiB) to the metadata (repeatable).", valueName: "key=file"))
    var metaFile: [String] = []

    func extraMetadata() throws -> [String: String] {
        var out: [String: String] = [:]
        func split(_ item: String, _ flag: String) throws -> (String, String) {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw ValidationError("\(flag) '\(item)': expected KEY=VALUE")
            }
            return (String(item[..<eq]), String(item[item.index(after: eq)...]))
        }
        for item in meta { let (k, v) = try split(item, "--meta"); out[k] = v }
        for item in metaFile {
            let (k, path) = try split(item, "--meta-file")
            let attrs = try? FileManager.default.attributesOfItem(atPath: path)
            guard let size = attrs?[.size] as? Int else { throw ValidationError("--meta-file \(k): cannot read \(path)") }
            guard size <= 1 << 20 else { throw ValidationError("--meta-file \(k): \(path) is \(size) bytes, over 1 MiB") }
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("--meta-file \(k): \(path) is not readable UTF-8 text")
            }
            out[k] = text
        }
        return out
    }

    func run() throws {
        let extra = try extraMetadata()
        let s = try naming(input) {
            try CheckpointConversion.convert(
                input: input, output: output, float16: fp16, stripModulePrefix: stripModulePrefix,
                extraMetadata: extra)
        }
        let location = s.stateDictLocation.isEmpty ? "top level" : "'\(s.stateDictLocation)'"
        print("\(input) (\(s.sourceFormat.rawValue)): \(s.tensorCount) tensors, \(s.parameterCount) values from \(location)")
        print(
            "wrote \(output) (\(s.outputBytes) bytes, \(fp16 ? "float16" : "float32"), architecture \(s.metadata[CNNSpotMetadata.architecture] ?? "unknown"))")
    }
}
