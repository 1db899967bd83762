import Foundation

/// One batch ready for the network.
public struct TrainingBatch: @unchecked Sendable {
    /// `[n, 3, crop, crop]` normalised images (n may be below the batch size when images failed).
    public var x: HostTensor
    /// `[n]`, 0 real / 1 fake.
    public var labels: [Float]
    /// Images that could not be read or transformed: "path: reason". They are left out.
    public var skipped: [String]
    /// The position in the pass of each image of `x`.
    public var positions: [Int] = []
}

/// Builds the batches of one pass over a list of images on background threads
/// (`OrderedPrefetcher`), strictly in order, while the network computes.
///
/// Item `position` of the pass uses its own `SeededRandom(seed:stream:)` keyed by
/// (`streamTag`, position): augmentation does not depend on which thread ran it or when, so a
/// resumed run sees exactly the images an uninterrupted one would.
public final class TrainingBatchLoader {
    private let prefetcher: OrderedPrefetcher<[TrainingBatch]>
    public let batchCount: Int

    /// - Parameters:
    ///   - indices: images of `data` in visiting order.
    ///   - startBatch: first batch to produce (resuming mid-epoch).
    ///   - streamTag: distinguishes passes (epoch number; a constant for validation).
    ///   - parts, totalParts: build only these parts of each batch (data-parallel ranks and
    ///     micro-batches): batch b's positions cut into `totalParts` contiguous parts
    ///     (`Distributed.slice`). Each image keeps the augmentation of its position in the pass.
    public init(
        data: TrainingData, indices: [Int], batchSize: Int, pipeline: AugmentationPipeline,
        seed: UInt64, streamTag: UInt64, startBatch: Int = 0, workers: Int,
        decodeOptions: DecodeOptions = .default, parts: Range<Int> = 0..<1, of totalParts: Int = 1
    ) {
        precondition(totalParts >= 1 && parts.lowerBound >= 0 && parts.upperBound <= totalParts && !parts.isEmpty)
        let count = (indices.count + batchSize - 1) / batchSize
        batchCount = count
        let images = data.images
        prefetcher = OrderedPrefetcher(count: count, start: min(startBatch, count), workers: workers, depth: workers + 1) { b in
            let batch = (b * batchSize)..<min(indices.count, (b + 1) * batchSize)
            return parts.map { part in
                let cut = Distributed.slice(batch.count, part: part, of: totalParts)
                return TrainingBatchLoader.build(
                    positions: (batch.lowerBound + cut.lowerBound)..<(batch.lowerBound + cut.upperBound),
                    indices: indices, images: images, pipeline: pipeline,
                    seed: seed, streamTag: streamTag, decodeOptions: decodeOptions)
            }
        }
    }

    /// The next batch in order, or nil after the last (the first of its parts, when parts were asked for).
    public func next() -> TrainingBatch? { prefetcher.next()?.first }

    /// The next batch's parts in order, or nil after the last.
    public func nextParts() -> [TrainingBatch]? { prefetcher.next() }

    public func cancel() { prefetcher.cancel() }

    deinit { prefetcher.cancel() }

    /// The RNG of item `position` of a pass.
    public static func random(seed: UInt64, streamTag: UInt64, position: Int) -> SeededRandom {
        SeededRandom(seed: seed, stream: (streamTag << 32) ^ UInt64(position))
    }

    static func build(
        positions: Range<Int>, indices: [Int], images: [LabeledImage], pipeline: AugmentationPipeline,
        seed: UInt64, streamTag: UInt64, decodeOptions: DecodeOptions
    ) -> TrainingBatch {
        var items: [(RGBImage, Float, Int)] = []
        var skipped: [String] = []
        for position in positions {
            let item = images[indices[position]]
            var rng = random(seed: seed, streamTag: streamTag, position: position)
            do {
                let decoded = try ImageDecoder.decode(path: item.path, options: decodeOptions)
                items.append((try pipeline.augment(decoded.image, using: &rng), Float(item.label), position))
            } catch {
                skipped.append("\(item.path): \(error)")
            }
        }
        guard let first = items.first?.0 else {
            return TrainingBatch(x: HostTensor(shape: [0], data: []), labels: [], skipped: skipped)
        }
        let (h, w) = (first.height, first.width)
        var buffer = [Float](repeating: 0, count: items.count * 3 * h * w)
        var labels: [Float] = []
        var kept: [Int] = []
        var n = 0
        for (image, label, position) in items {
            // Every crop has the same size; anything else would be a pipeline bug, reported not trapped.
            guard image.width == w, image.height == h else {
                skipped.append("image \(n): \(image.width)x\(image.height) after cropping, expected \(w)x\(h)")
                continue
            }
            do { try pipeline.normalization.write(image, into: &buffer, index: n) } catch {
                skipped.append("\(error)"); continue
            }
            labels.append(label)
            kept.append(position)
            n += 1
        }
        buffer.removeLast(buffer.count - n * 3 * h * w)
        return TrainingBatch(x: HostTensor(shape: [n, 3, h, w], data: buffer), labels: labels, skipped: skipped, positions: kept)
    }
}
