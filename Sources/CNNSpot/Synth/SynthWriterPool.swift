import CNNSpotImage
import Foundation

/// Encodes fakes as PNG and writes pairs on background threads, at most `width` at a time (so
/// the family never waits for zlib and memory stays bounded). A pair is journalled only after
/// both of its files are in place.
final class SynthWriterPool {
    private let output: SynthOutput
    private let queue = DispatchQueue(label: "cnnspot.synth.write", attributes: .concurrent)
    private let slots: DispatchSemaphore
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var errors: [Error] = []

    init(output: SynthOutput, width: Int) {
        self.output = output
        self.slots = DispatchSemaphore(value: max(1, width))
    }

    func submit(real: [UInt8], fake: RGBImage, rows: [SynthManifestRow]) {
        slots.wait()
        group.enter()
        queue.async { [output] in
            defer { self.slots.signal(); self.group.leave() }
            do {
                let png = try ImageEncoder.png(fake)
                try output.write(real, to: rows[0].file)
                try output.write(png, to: rows[1].file)
                try output.record(rows)
            } catch {
                self.lock.lock(); self.errors.append(error); self.lock.unlock()
            }
        }
    }

    /// Waits for every write; the errors met.
    func finish() -> [Error] {
        group.wait()
        lock.lock(); defer { lock.unlock() }
        return errors
    }
}
