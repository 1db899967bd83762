import CNNSpot
import Foundation
import XCTest

/// Issue 14: `mpirun -np 2 cnnspot train` (Open MPI, loaded at run time). Two ranks compute
/// each batch's two halves, and the averaged gradient gives the same parameters and Adam state,
/// bit for bit, as one process computing the same two halves (`--micro-batches 2`: BatchNorm
/// statistics per half, as per rank; running statistics moved by the first half, as rank 0's). With two ranks the all-reduce is one addition per value,
/// so its order is fixed: the comparison is exact (one network thread per process, as oneDNN is
/// then deterministic). A killed rank ends the job; `--resume` continues it with any N.
final class DistributedTrainTests: XCTestCase {
    var dir: URL!
    var data: URL!

    override func setUpWithError() throws {
        dir = try scratchDirectory("mpi-train")
        // 16 + 16 training images, 8 + 8 validation images of MiniSynths v1 (links).
        data = try CLI.linkMiniSynths(into: dir, train: 16, val: 8)
    }

    /// Batch 8 of 32 images: 4 steps per epoch, so `steps` 6 and 10 cross an epoch end
    /// (validation split over the ranks, the LR schedule, BatchNorm buffers sent from rank 0).
    func train(_ name: String, steps: Int, _ extra: [String] = []) -> [String] {
        [
            "train", "--dataroot", data.path, "--name", name, "-o", dir.appendingPathComponent("ck").path,
            "--arch", "resnet18", "--crop-size", "64", "--load-size", "72", "--batch-size", "8", "--max-steps", "\(steps)",
            "--threads", "1", "--workers", "1", "--save-latest-freq", "2", "--seed", "3", "--lr", "1e-3",
            "--blur-prob", "0.5", "--blur-sig", "0,3", "--jpg-prob", "0.5", "--jpg-qual", "30,100", "--jpg-method", "cv2,pil"
        ] + extra
    }

    /// `mpirun` with what it needs here (root in a container, two slots on any machine).
    func mpirun(_ ranks: Int, _ args: [String]) throws -> Process {
        guard let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first(where: FileManager.default.isExecutableFile) else {
            XCTFail("mpirun is not installed (scripts/setup.sh installs openmpi-bin)")
            throw CocoaError(.fileNoSuchFile)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: mpirun)
        p.arguments = ["--oversubscribe", "-np", "\(ranks)", try CLI.binary().path] + args
        var env = ProcessInfo.processInfo.environment
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        return p
    }

    func wait(_ p: Process, _ err: Pipe) -> (code: Int32, stderr: String) {
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    func runMPI(_ ranks: Int, _ args: [String]) throws -> (code: Int32, stderr: String) {
        let p = try mpirun(ranks, args)
        let err = Pipe()
        p.standardError = err
        try p.run()
        return wait(p, err)
    }

    func checkpoint(_ name: String) throws -> TrainingCheckpoint.Contents {
        try TrainingCheckpoint.read(dir.appendingPathComponent("ck/\(name)/latest.safetensors").path)
    }

    /// The largest difference of parameters and buffers, and of Adam moments, between two checkpoints.
    func difference(_ a: TrainingCheckpoint.Contents, _ b: TrainingCheckpoint.Contents) throws -> (parameters: Float, moments: Float) {
        var worst: Float = 0, worstMoment: Float = 0
        XCTAssertEqual(a.moments.keys.sorted(), b.moments.keys.sorted())
        XCTAssertEqual(a.stateDict.keys.sorted(), b.stateDict.keys.sorted())
        for (key, t) in a.stateDict {  // parameters and BatchNorm buffers
            let u = try XCTUnwrap(b.stateDict[key])
            XCTAssertEqual(t.shape, u.shape, key)
            for (x, y) in zip(t.data, u.data) { worst = max(worst, abs(x - y)) }
        }
        for key in a.moments.keys {
            let (m, n) = (a.moments[key]!, b.moments[key]!)
            XCTAssertEqual(m.step, n.step, key)
            for (x, y) in zip(m.expAvg.data + m.expAvgSq.data, n.expAvg.data + n.expAvgSq.data) { worstMoment = max(worstMoment, abs(x - y)) }
        }
        return (worst, worstMoment)
    }

    func testTwoRanksTrainAsOneProcessComputingTheSameHalves() throws {
        let one = try CLI.run(train("one", steps: 6, ["--micro-batches", "2"]))
        XCTAssertEqual(one.code, 0, one.stderr)
        let two = try runMPI(2, train("two", steps: 6))
        XCTAssertEqual(two.code, 0, two.stderr)
        XCTAssertTrue(two.stderr.contains("data-parallel: 2 rank(s) x 1 micro-batch(es) per batch of 8"), two.stderr)
        XCTAssertEqual(two.stderr.components(separatedBy: "epoch 0: train loss").count, 2, "rank 0 alone reports: \(two.stderr)")
        let (a, b) = (try checkpoint("one"), try checkpoint("two"))
        XCTAssertEqual(a.state.step, 6); XCTAssertEqual(b.state.step, 6)
        XCTAssertEqual(a.state.epoch, b.state.epoch); XCTAssertEqual(a.state.epochLossSum, b.state.epochLossSum)
        let d = try difference(a, b)
        print("mpi train: 2 ranks vs 1 process x 2 micro-batches, 6 steps: max |param/buffer diff| \(d.parameters), max |Adam moment diff| \(d.moments)")
        XCTAssertEqual(d.parameters, 0); XCTAssertEqual(d.moments, 0)
        // One log row per epoch (rank 0 writes), the same training loss.
        func rows(_ name: String) throws -> [[String]] {
            CLI.csv(try String(contentsOf: dir.appendingPathComponent("ck/\(name)/log.csv"), encoding: .utf8))
        }
        let (ra, rb) = (try rows("one"), try rows("two"))
        XCTAssertEqual(rb.count, 2, "header + epoch 0")
        // The same training loss, and the same validation: one part per step moves BatchNorm's
        // running statistics in both (rank 0's first), so both validate the same model.
        for column in ["train_loss", "val_acc", "val_ap"] {
            let c = try XCTUnwrap(ra.first?.firstIndex(of: column))
            XCTAssertEqual(ra[1][c], rb[1][c], column)
        }
        // Not what a batch at once computes: BatchNorm sees halves (the reason for --micro-batches).
        let whole = try CLI.run(train("whole", steps: 6))
        XCTAssertEqual(whole.code, 0, whole.stderr)
        XCTAssertGreaterThan(try difference(try checkpoint("whole"), b).parameters, 0)
    }

    func testKilledRankEndsTheJobAndResumeContinuesWithAnotherN() throws {
        let reference = try CLI.run(train("reference", steps: 10, ["--micro-batches", "2"]))
        XCTAssertEqual(reference.code, 0, reference.stderr)
        // Two ranks, one killed (SIGKILL) once the first latest.safetensors exists.
        let latest = dir.appendingPathComponent("ck/killed/latest.safetensors").path
        let p = try mpirun(2, train("killed", steps: 10))
        let err = Pipe()
        p.standardError = err
        try p.run()
        var deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: latest) && p.isRunning && Date() < deadline { usleep(5_000) }
        let ranks = Self.children(of: p.processIdentifier)
        XCTAssertEqual(ranks.count, 2, "mpirun's two ranks")
        if let victim = ranks.last { kill(victim, SIGKILL) }
        deadline = Date().addingTimeInterval(60)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        XCTAssertFalse(p.isRunning, "the job must end when a rank dies, not hang")
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        let ended = wait(p, err)
        XCTAssertNotEqual(ended.code, 0, ended.stderr)
        XCTAssertTrue(ended.stderr.contains("signal 9"), ended.stderr)
        let killedAt = try TrainingCheckpoint.read(latest).state
        XCTAssertLessThan(killedAt.step, 10, "killed before the end")
        // Resumed by one process computing the two halves: the same run as the reference.
        let resumed = try CLI.run(train("killed", steps: 10, ["--micro-batches", "2", "--resume"]))
        XCTAssertEqual(resumed.code, 0, resumed.stderr)
        let (a, b) = (try checkpoint("reference"), try checkpoint("killed"))
        XCTAssertEqual(b.state.step, 10)
        let d = try difference(a, b)
        print("mpi train: killed at step \(killedAt.step), resumed with N=1: max |param diff| \(d.parameters), max |Adam moment diff| \(d.moments)")
        XCTAssertEqual(d.parameters, 0); XCTAssertEqual(d.moments, 0)
    }

    /// `--sync-bn`: BatchNorm over the global batch, so 2 ranks compute the gradient of one
    /// process's whole batch (Adam's first moment after one step is 0.1 x the gradient): within
    /// 1e-4 relative per tensor (float rounding of the split sums; measured ~3e-6), where
    /// per-rank statistics differ by whole multiples. Only one step: Adam's sign-like update
    /// of near-zero gradients makes later steps chaotic.
    func testSyncBatchNormGivesTheWholeBatchGradient() throws {
        let whole = try CLI.run(train("whole", steps: 1))
        XCTAssertEqual(whole.code, 0, whole.stderr)
        let sync = try runMPI(2, train("sync", steps: 1, ["--sync-bn"]))
        XCTAssertEqual(sync.code, 0, sync.stderr)
        let plain = try runMPI(2, train("plain", steps: 1))
        XCTAssertEqual(plain.code, 0, plain.stderr)
        func worstRelative(_ a: TrainingCheckpoint.Contents, _ b: TrainingCheckpoint.Contents) throws -> Float {
            var worst: Float = 0
            for (key, m) in a.moments {
                let n = try XCTUnwrap(b.moments[key])
                let scale = m.expAvg.data.map(abs).max() ?? 0
                guard scale > 0 else { continue }
                let d = zip(m.expAvg.data, n.expAvg.data).map { abs($0 - $1) }.max() ?? 0
                worst = max(worst, d / scale)
            }
            return worst
        }
        let (w, s, p) = (try checkpoint("whole"), try checkpoint("sync"), try checkpoint("plain"))
        let synced = try worstRelative(w, s), perRank = try worstRelative(w, p)
        print("mpi train: gradient vs one process's whole batch, worst relative per tensor: --sync-bn \(synced), per-rank BatchNorm \(perRank)")
        XCTAssertLessThan(synced, 1e-4)
        XCTAssertGreaterThan(perRank, 0.1, "per-rank statistics are not the whole batch's")
        // The running statistics are the global batch's too: equal on every rank, close to one process's.
        var worstBuffer: Float = 0
        for (key, t) in w.stateDict where key.contains("running_") {
            let u = try XCTUnwrap(s.stateDict[key])
            worstBuffer = max(worstBuffer, zip(t.data, u.data).map { abs($0 - $1) / max(abs($0), 1e-3) }.max() ?? 0)
        }
        XCTAssertLessThan(worstBuffer, 1e-4)
        // A training option: kept by --resume, refused when it would change.
        let refused = try CLI.run(train("plain", steps: 2, ["--resume", "--sync-bn"]))
        XCTAssertEqual(refused.code, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--sync-bn"), refused.stderr)
    }

    /// Not MPI, but a run's files: `detect -m latest.safetensors` scores with its model part
    /// (Adam's moments left out), as the epoch file written at the same step does.
    func testLatestCheckpointDetectsAsItsEpochFile() throws {
        let run = try CLI.run(train("one-epoch", steps: 4))  // exactly one epoch: latest and epoch_0 hold one model
        XCTAssertEqual(run.code, 0, run.stderr)
        let images = data.appendingPathComponent("val/realesrgan/1_fake").path
        func scores(_ file: String) throws -> [[String]] {
            let r = try CLI.run(["detect", images, "-m", dir.appendingPathComponent("ck/one-epoch/\(file)").path, "--format", "csv", "--batch-size", "1"])
            XCTAssertEqual(r.code, 0, r.stderr)
            return CLI.csv(r.stdout)
        }
        let (latest, epoch) = (try scores("latest.safetensors"), try scores("epoch_0.safetensors"))
        XCTAssertEqual(latest.count, 9, "header + 8 images")
        XCTAssertEqual(latest, epoch)
    }

    func testMPIProblemsAreClearErrors() throws {
        let base = train("x", steps: 1)
        let missing = try CLI.runShell(
            "OMPI_COMM_WORLD_SIZE=2 CNNSPOT_LIBMPI=/nonexistent/libmpi.so \"$CNNSPOT\" "
                + base.map { "'\($0)'" }.joined(separator: " "))
        XCTAssertEqual(missing.code, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("Open MPI could not be started: cannot load /nonexistent/libmpi.so"), missing.stderr)
        let mpich = try CLI.runShell("env -u OMPI_COMM_WORLD_SIZE PMI_RANK=0 PMI_SIZE=2 \"$CNNSPOT\" " + base.map { "'\($0)'" }.joined(separator: " "))
        XCTAssertEqual(mpich.code, 1, mpich.stderr)
        XCTAssertTrue(mpich.stderr.contains("MPICH, Intel MPI and srun-launched ranks are not supported"), mpich.stderr)
        // A global batch smaller than the ranks.
        let small = try runMPI(2, train("small", steps: 1, ["--batch-size", "1"]))
        XCTAssertNotEqual(small.code, 0)
        XCTAssertTrue(small.stderr.contains("--batch-size 1 is smaller than 2 ranks"), small.stderr)
        let srun = try CLI.runShell("env -u OMPI_COMM_WORLD_SIZE PMIX_RANK=1 \"$CNNSPOT\" " + base.map { "'\($0)'" }.joined(separator: " "))
        XCTAssertEqual(srun.code, 1, srun.stderr)
        XCTAssertTrue(srun.stderr.contains("PMIX_RANK is set but not OMPI_COMM_WORLD_SIZE"), srun.stderr)
        let both = try CLI.run(train("both", steps: 1, ["--sync-bn", "--micro-batches", "2"]))
        XCTAssertNotEqual(both.code, 0)
        XCTAssertTrue(both.stderr.contains("--sync-bn and --micro-batches exclude each other"), both.stderr)
    }

    /// Processes whose parent is `pid` (from /proc), in pid order.
    static func children(of pid: Int32) -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap(Int32.init).filter { child in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }.sorted()
    }
}
