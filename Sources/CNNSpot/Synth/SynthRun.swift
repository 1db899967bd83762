import CNNSpotImage
import Foundation

/// `cnnspot synth`: turns real photos into an aligned real/fake training set in the ForenSynths
/// layout, `OUT/{train,val}/<family>/{0_real,1_fake}/NAME.png` (a fake has its real's NAME), with
/// `MANIFEST.csv` (one row per file) and `manifest.json` (command line, version, recipe).
///
/// Steps: expand the inputs (as `detect`); scan every photo (decode, hash, plan its cells) on
/// worker threads; split by photo; `prepare` each family with the train split's real patches
/// (OUT/generators/<family>/); then for every patch and family make the fake and write the pair.
/// Families run one call at a time on the calling thread (they use the network's threads);
/// decoding, cutting, encoding and writing run on `threads` workers. Every output is a function
/// of the recipe, so any thread count gives the same bytes. A photo that cannot be read is
/// reported through `report` and the rest go on.
public final class SynthRun {
    public let options: SynthOptions
    public let controls: SynthControls
    let families: [SynthFamily]
    let report: (String) -> Void
    let output: SynthOutput

    /// `families` in the order of `options.families` (their names must match).
    public init(
        options: SynthOptions, families: [SynthFamily], controls: SynthControls = SynthControls(),
        report: @escaping (String) -> Void
    ) {
        self.options = options
        self.families = families
        self.controls = controls
        self.report = report
        self.output = SynthOutput(path: options.output)
    }

    public func run() throws -> SynthSummary {
        var compute = ComputeOptions.current  // the caller's layout preference, with this run's threads
        compute.threads = max(1, controls.threads)
        return try compute.bind { try runBound() }
    }

    private func runBound() throws -> SynthSummary {
        try options.validate()
        guard families.map(\.name) == options.families else {
            throw SynthError.invalidOption("families \(families.map(\.name)) do not match the recipe's \(options.families)")
        }
        var summary = SynthSummary()
        summary.output = options.output
        let threads = max(1, controls.threads)
        let done = try output.open(recipe: options, controls: controls)
        defer { output.close() }
        var manifest = try startManifest()

        var plans = scan(summary: &summary, threads: threads)
        SynthSplit.assign(&plans, fraction: options.valFraction, seed: options.seed)
        summary.trainPhotos = plans.filter { $0.split == "train" }.count
        summary.valPhotos = plans.count - summary.trainPhotos

        let complete = completeUnits(done)
        let todo = plans.filter { p in p.cells.contains { c in families.contains { !complete.contains(fakeFile(p, c, $0.name)) } } }
        if !todo.isEmpty {
            try prepareFamilies(plans, threads: threads, summary: &summary)
        }
        manifest.families = families.map {
            .init(name: $0.name, settings: $0.settings, directory: "generators/\($0.name)")
        }
        try manifest.write(to: output.manifestURL)

        let total = plans.reduce(0) { $0 + $1.cells.count } * families.count
        summary.alreadyDone = plans.reduce(0) { n, p in
            n + p.cells.reduce(0) { m, c in m + families.filter { complete.contains(fakeFile(p, c, $0.name)) }.count }
        }
        try makePairs(todo, complete: complete, total: total, threads: threads, summary: &summary)

        let rows = try output.writeManifestCSV()
        for r in rows where r.label == "1_fake" { summary.pairs["\(r.split)/\(r.family)", default: 0] += 1 }
        manifest.completedAt = SynthRunManifest.now()
        manifest.counts = [
            "photos_train": summary.trainPhotos, "photos_val": summary.valPhotos,
            "failures": summary.failures, "skipped": summary.skipped, "files": rows.count
        ]
        try manifest.write(to: output.manifestURL)
        return summary
    }

    private func startManifest() throws -> SynthRunManifest {
        if controls.resume, var m = try? SynthRunManifest.read(from: output.manifestURL) {
            m.resumedAt.append(SynthRunManifest.now())
            m.completedAt = nil
            try m.write(to: output.manifestURL)
            return m
        }
        let m = SynthRunManifest(
            commandLine: controls.commandLine, startedAt: SynthRunManifest.now(), recipe: options,
            jpegPolicy: SynthRunManifest.jpegPolicyText)
        try m.write(to: output.manifestURL)
        return m
    }

    func fakeFile(_ p: SynthPhotoPlan, _ c: SynthCell, _ family: String) -> String {
        "\(p.split)/\(family)/1_fake/\(p.patchName(c)).png"
    }

    /// Fake files whose unit is complete: both rows journalled and both files present.
    private func completeUnits(_ rows: [SynthManifestRow]) -> Set<String> {
        let files = Set(rows.map(\.file))
        let fm = FileManager.default
        return Set(
            rows.filter { $0.label == "1_fake" }.map(\.file).filter { fake in
                let real = fake.replacingOccurrences(of: "/1_fake/", with: "/0_real/")
                return files.contains(real) && fm.fileExists(atPath: output.root.appendingPathComponent(fake).path)
                    && fm.fileExists(atPath: output.root.appendingPathComponent(real).path)
            })
    }

    // MARK: scan

    /// The usable photos, in input order; failures and skips reported.
    private func scan(summary: inout SynthSummary, threads: Int) -> [SynthPhotoPlan] {
        let outRoot = (FileTree.resolved(options.output) ?? options.output) + "/"
        var paths: [String] = []
        for item in ImageInputs(maxImages: 1_000_000).expand(options.inputs, standardInput: { nil }) {
            switch item {
            case .image(let p):
                // An output folder inside an input folder must not feed itself on --resume.
                if (FileTree.resolved(p) ?? p).hasPrefix(outRoot) { continue }
                paths.append(p)
            case .failure(let input, let reason):
                report("\(input): \(reason)")
                summary.failures += 1
            }
        }
        let options = self.options
        let loader = OrderedPrefetcher(count: paths.count, workers: threads, depth: 2 * threads) { i -> Result<SynthPhotoPlan, Error> in
            Result { SynthPhotoPlan.make(try SynthPhoto.load(paths[i], options: options), options: options) }
        }
        var plans: [SynthPhotoPlan] = []
        var seen: [String: String] = [:]
        for path in paths {
            switch loader.next()! {
            case .failure(let e):
                report(SynthRun.describe(e, path: path))
                summary.failures += 1
            case .success(let plan):
                if let first = seen[plan.sha256] {
                    report("\(path): same bytes as \(first): skipped")
                    summary.skipped += 1
                } else if plan.cells.isEmpty {
                    let small = min(plan.scaledWidth, plan.scaledHeight) < options.size
                    report(
                        "\(path): no \(options.size)x\(options.size) patch in \(plan.scaledWidth)x\(plan.scaledHeight)"
                            + (plan.scale == 1 ? "" : " (scaled 0.5x)")
                            + (small ? " (too small)" : " with luminance std >= \(options.minLuminanceStd) (flat)") + ": skipped")
                    summary.skipped += 1
                } else {
                    seen[plan.sha256] = path
                    plans.append(plan)
                }
            }
        }
        return plans
    }

    static func describe(_ error: Error, path: String) -> String {
        let text = "\(error)"
        return text.contains(path) ? text : "\(path): \(text)"
    }

    // MARK: prepare

    /// Cuts the train split's real patches (at most `prepareMax`, evenly spaced) and hands them
    /// to every family's `prepare`.
    private func prepareFamilies(_ plans: [SynthPhotoPlan], threads: Int, summary: inout SynthSummary) throws {
        let train = plans.filter { $0.split == "train" }
        var units: [(plan: Int, cell: Int)] = []
        for (i, p) in train.enumerated() { for c in p.cells.indices { units.append((i, c)) } }
        let keep = SynthGrid.evenlySpaced(count: units.count, keep: options.prepareMax).map { units[$0] }
        let byPlan = Dictionary(grouping: keep, by: \.plan)
        let chosen = byPlan.keys.sorted()
        let options = self.options
        let loader = OrderedPrefetcher(count: chosen.count, workers: threads, depth: 2 * threads) { k -> Result<[RGBImage], Error> in
            let plan = train[chosen[k]]
            return Result {
                let patches = try SynthPatch.cut(try SynthPhoto.load(plan.path, options: options), plan: plan, options: options)
                return byPlan[chosen[k]]!.map { patches[$0.cell].real }
            }
        }
        var patches: [RGBImage] = []
        for k in chosen.indices {
            switch loader.next()! {
            case .success(let p): patches += p
            case .failure(let e): report(SynthRun.describe(e, path: train[chosen[k]].path))  // counted when its pairs fail
            }
        }
        for family in families {
            let dir = output.root.appendingPathComponent("generators/\(family.name)")
            try output.makeFolder(dir)
            do { try family.prepare(patches: patches, directory: dir.path) } catch {
                throw SynthError.family(family.name, "prepare failed: \(error)")
            }
        }
    }

    // MARK: pairs

    private func makePairs(
        _ todo: [SynthPhotoPlan], complete: Set<String>, total: Int, threads: Int,
        summary: inout SynthSummary
    ) throws {
        let progress = ProgressBar(
            total: total, label: "synth", unit: "patch", initial: summary.alreadyDone,
            enabled: controls.progress && isatty(STDERR_FILENO) != 0)
        defer { progress.finish() }
        let options = self.options
        let loader = OrderedPrefetcher(count: todo.count, workers: threads, depth: 2 * threads) { i -> Result<[SynthPatch], Error> in
            Result { try SynthPatch.cut(try SynthPhoto.load(todo[i].path, options: options), plan: todo[i], options: options) }
        }
        let writers = SynthWriterPool(output: output, width: threads)
        for plan in todo {
            let patches: [SynthPatch]
            switch loader.next()! {
            case .failure(let e):
                report(SynthRun.describe(e, path: plan.path))
                summary.failures += 1
                continue
            case .success(let p): patches = p
            }
            for patch in patches {
                for family in families where !complete.contains(fakeFile(plan, patch.cell, family.name)) {
                    do {
                        let seed = SynthSeed.forFake(runSeed: options.seed, family: family.name, patch: patch.name)
                        var fake = try family.fake(of: patch.real, seed: seed)
                        guard fake.width == patch.real.width, fake.height == patch.real.height else {
                            throw SynthError.family(family.name, "made a \(fake.width)x\(fake.height) fake of a \(patch.real.width)x\(patch.real.height) patch")
                        }
                        if let q = patch.fakeQuantization { fake = try SynthPatch.reencode(fake, matching: q, name: plan.path) }
                        let rows = self.rows(plan, patch, family: family, seed: seed)
                        writers.submit(real: patch.realPNG, fake: fake, rows: rows)
                        summary.madeNow += 1
                    } catch {
                        report("\(plan.path) cell \(patch.cell.index): \(error)")
                        summary.failures += 1
                    }
                    progress.advance()
                }
            }
        }
        for e in writers.finish() {
            report("\(e)")
            summary.failures += 1
        }
    }

    private func rows(_ p: SynthPhotoPlan, _ patch: SynthPatch, family: SynthFamily, seed: UInt64) -> [SynthManifestRow] {
        let c = patch.cell, s = options.size
        func row(_ label: String, jpeg: String, settings: String, seed: String) -> SynthManifestRow {
            SynthManifestRow(
                split: p.split, family: family.name, label: label,
                file: "\(p.split)/\(family.name)/\(label)/\(patch.name).png", source: p.path,
                sourceSHA256: p.sha256, photoSize: "\(p.width)x\(p.height)", scale: p.scale == 1 ? "1.0" : "0.5",
                cropBox: "\(c.left) \(c.top) \(c.left + s) \(c.top + s)", jpeg: jpeg,
                generatorSettings: settings, seed: seed)
        }
        return [
            row("0_real", jpeg: patch.realJPEGNote, settings: "", seed: ""),
            row("1_fake", jpeg: patch.fakeJPEGNote, settings: family.settings(forSeed: seed), seed: String(seed))
        ]
    }
}
