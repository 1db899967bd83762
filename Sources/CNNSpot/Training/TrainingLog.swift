import Foundation

/// One epoch's row of `log.csv` / `log.jsonl`.
public struct EpochRecord: Codable, Sendable, Equatable {
    public var epoch: Int
    /// Total optimiser steps at the end of the epoch.
    public var steps: Int
    public var trainLoss: Double
    public var valAccuracy: Double
    /// nil when the validation set lacks a class.
    public var valAP: Double?
    /// Learning rate used during the epoch.
    public var lr: Double
    public var imagesPerSecond: Double
    public var seconds: Double
    public var skippedImages: Int

    enum CodingKeys: String, CodingKey {
        case epoch, steps, lr, seconds
        case trainLoss = "train_loss", valAccuracy = "val_acc", valAP = "val_ap"
        case imagesPerSecond = "images_per_s", skippedImages = "skipped_images"
    }
}

/// `log.csv` and `log.jsonl` in the run folder, one row per epoch. On resume, rows of epochs at
/// or after the resumed one are dropped first (they would be written again).
public struct TrainingLog {
    public let directory: String
    public static let csvHeader = "epoch,steps,train_loss,val_acc,val_ap,lr,images_per_s,seconds,skipped_images"

    public init(directory: String) { self.directory = directory }

    var csvPath: String { (directory as NSString).appendingPathComponent("log.csv") }
    var jsonlPath: String { (directory as NSString).appendingPathComponent("log.jsonl") }

    /// The rows written so far (from `log.jsonl`).
    public func records() -> [EpochRecord] {
        guard let text = try? String(contentsOfFile: jsonlPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(EpochRecord.self, from: Data($0.utf8)) }
    }

    /// Starts the files, keeping the rows of epochs before `keepBefore` (0 = start afresh).
    public func start(keepBefore epoch: Int) throws {
        let kept = records().filter { $0.epoch < epoch }
        try rewrite(kept)
    }

    public func append(_ r: EpochRecord) throws {
        try rewrite(records() + [r])
    }

    private func rewrite(_ rows: [EpochRecord]) throws {
        let encoder = JSONText.encoder()
        var jsonl = ""
        var csv = TrainingLog.csvHeader + "\n"
        for r in rows {
            jsonl += String(decoding: try encoder.encode(r), as: UTF8.self) + "\n"
            csv +=
                [
                    String(r.epoch), String(r.steps), String(format: "%.6f", r.trainLoss), String(format: "%.6f", r.valAccuracy),
                    r.valAP.map { String(format: "%.6f", $0) } ?? "", String(r.lr), String(format: "%.2f", r.imagesPerSecond),
                    String(format: "%.1f", r.seconds), String(r.skippedImages)
                ].joined(separator: ",") + "\n"
        }
        do {
            try Data(jsonl.utf8).write(to: URL(fileURLWithPath: jsonlPath), options: .atomic)
            try Data(csv.utf8).write(to: URL(fileURLWithPath: csvPath), options: .atomic)
        } catch {
            throw TrainingError.io(path: directory, problem: "cannot write the training log: \(error)")
        }
    }
}
