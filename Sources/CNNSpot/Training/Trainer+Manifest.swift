import Foundation

extension Trainer {
    /// `manifest.json`: command line, dataset listings (checksums), options, starting weights.
    func writeManifest(train: TrainingData, val: TrainingData) throws {
        var m = RunManifest()
        m.datasets = [
            RunManifest.datasetInfo(name: "train", root: train.root, files: train.images.map(\.path)),
            RunManifest.datasetInfo(name: "val", root: val.root, files: val.images.map(\.path))
        ]
        if let json = try? JSONSerialization.jsonObject(with: JSONText.encoder().encode(options)) as? [String: Any] {
            for (k, v) in json {
                if let text = v as? String { m.settings[k] = text; continue }
                // Numbers, flags and lists as compact JSON text.
                if let d = try? JSONText.data([v]) {
                    m.settings[k] = String(String(decoding: d, as: UTF8.self).dropFirst().dropLast())
                }
            }
        }
        m.settings["resumedAtStep"] = state.step > 0 ? String(state.step) : nil
        if let from = startedFrom, let sha = try? RunManifest.fileSHA256(from) {
            m.model = .init(path: from, sha256: sha, architecture: options.architecture.rawValue)
        }
        do { try m.write(to: URL(fileURLWithPath: path("manifest.json"))) } catch {
            throw TrainingError.io(path: path("manifest.json"), problem: "\(error)")
        }
    }
}
