import ArgumentParser
import CNNSpot
import Foundation

/// `cnnspot transform`: applies the reference's image operations to files and writes PNGs,
/// in the augmentation's order: resize -> blur -> JPEG -> center crop -> flip.
struct TransformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Resize, blur, JPEG-compress, crop or flip images exactly as the reference's Pillow/SciPy/OpenCV calls do; writes PNGs.")

    @Argument(help: "Input images (JPEG, PNG, WebP).")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Output directory (created if missing); each input becomes <name>.png.")
    var output: String

    @Option(parsing: .unconditional, help: "Gaussian blur sigma (scipy.ndimage.gaussian_filter per channel on uint8).")
    var blur: Double?

    @Option(help: "JPEG round trip at this quality (1...100).")
    var jpeg: Int?

    @Option(name: .customLong("jpeg-method"), help: "JPEG settings to imitate: pil or cv2.")
    var jpegMethod: JPEGMethod = .pil

    @Option(help: "Resize so the shorter side is N (torchvision TF.resize).")
    var resize: Int?

    @Option(help: "Resampling for --resize: bilinear, bicubic, lanczos or nearest (Pillow).")
    var interp: Interpolation = .bilinear

    @Option(help: "Center crop N x N (torchvision CenterCrop, zero padding when larger).")
    var crop: Int?

    @Flag(help: "Mirror left-right.")
    var flip = false

    func validate() throws {
        if let b = blur, !(b.isFinite && b >= 0 && b <= 256) { throw ValidationError("--blur must be in 0...256, got \(b)") }
        if let q = jpeg, !(1...100).contains(q) { throw ValidationError("--jpeg must be in 1...100, got \(q)") }
        if let n = resize, !(1...maxResizeSide).contains(n) { throw ValidationError("--resize must be in 1...\(maxResizeSide)") }
        if let n = crop, !(1...maxResizeSide).contains(n) { throw ValidationError("--crop must be in 1...\(maxResizeSide)") }
        let names = inputs.map { TransformCommand.outputName(for: $0) }
        if let dup = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw ValidationError("two inputs would both be written as \(dup); rename one")
        }
    }

    static func outputName(for input: String) -> String {
        URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent + ".png"
    }

    /// The operations, in the augmentation's order.
    func transform(_ image: RGBImage) throws -> RGBImage {
        var img = image
        if let n = resize { img = try resizeShorterSide(img, to: n, interpolation: interp) }
        if let s = blur { try gaussianBlurInPlace(&img, sigma: s) }
        if let q = jpeg { img = try jpegRoundTrip(img, quality: q, method: jpegMethod) }
        if let n = crop { img = try centerCrop(img, height: n, width: n) }
        if flip { img = horizontalFlip(img) }
        return img
    }

    func run() throws {
        let outDir = URL(fileURLWithPath: output)
        do {
            try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("cannot create output directory \(output): \(error.localizedDescription)")
        }
        var failures = 0
        for input in inputs {
            let dest = outDir.appendingPathComponent(TransformCommand.outputName(for: input))
            do {
                let image = try ImageDecoder.decode(path: input).image
                let out = try transform(image)
                try out.writePNG(to: dest)
                print("\(input) -> \(dest.path) (\(out.width)x\(out.height))")
            } catch {
                failures += 1
                // Image errors already start with the file's name: print it once.
                let text = "\(error)", name = PathBytes.display(input)
                FileHandle.standardError.write(Data("error: \(text.hasPrefix(name) ? text : "\(name): \(text)")\n".utf8))
            }
        }
        if failures > 0 {
            FileHandle.standardError.write(Data("\(failures) of \(inputs.count) inputs failed\n".utf8))
            throw ExitCode(1)
        }
    }
}
