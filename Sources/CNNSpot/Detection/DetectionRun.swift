import CNNSpotImage
import Foundation

/// `cnnspot detect`'s work: a record for every input, in input order, as soon as it is known.
/// Inputs that could not be expanded (`InputItem.failure`) keep their place between the scored
/// ones; with a detector the images are scored in batches (`DetectionRunner`), without one
/// (`-m none`) each record lists the image's size and format only.
public struct DetectionRun {
    public var preprocessing = TestTimePreprocessing()
    /// `--threshold`: replaces the model's rule by a plain two-way decision; nil keeps the rule.
    public var threshold: Double?
    public var decodeOptions = DecodeOptions.default
    public var batchSize = 16

    public init() {}

    /// Emits one record per item of `items`; returns how many records carry an error.
    @discardableResult
    public func run(_ items: [InputItem], detector: Detector?, emit: (DetectionRecord) -> Void) -> Int {
        var failures = 0
        func record(_ r: DetectionRecord) {
            if r.error != nil { failures += 1 }
            emit(r)
        }
        let paths = items.compactMap(\.path)
        var pending = items.makeIterator()
        // The failed inputs up to the next image, in their place.
        func flushFailures() {
            while let next = pending.next() {
                guard case .failure(let input, let reason) = next else { return }
                record(.failed(input, reason))
            }
        }
        flushFailures()
        if let detector {
            let runner = detector.runner(preprocessing: preprocessing, threshold: threshold, decodeOptions: decodeOptions)
            runner.batchSize = batchSize
            runner.run(paths) { r in
                record(r)
                flushFailures()
            }
        } else {
            for path in paths {
                do {
                    let d = try ImageDecoder.decode(path: path, options: decodeOptions)
                    record(DetectionRecord(path: path, width: d.image.width, height: d.image.height, format: d.format.rawValue))
                } catch {
                    record(.failed(path, "\(error)"))
                }
                flushFailures()
            }
        }
        return failures
    }
}
