import CMPIShim
import CNNSpotNN
import Foundation

/// The MPI job a process belongs to (`mpirun -np N cnnspot train ...`): its rank and size, and
/// the collectives data-parallel training needs. Open MPI is loaded at run time, only when the
/// process was started by `mpirun`: without it, `cnnspot` never touches an MPI library.
public final class Distributed: ReplicaReducer, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    public var isRoot: Bool { rank == 0 }

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// The one job of this process (MPI can be initialised once per process).
    private static let lock = NSLock()
    nonisolated(unsafe) private static var current: Distributed?

    /// The job, when started by `mpirun` (Open MPI's `OMPI_COMM_WORLD_SIZE` is set), else nil.
    /// `CNNSPOT_LIBMPI` names another libmpi to load. A launcher of another MPI (MPICH's, Intel
    /// MPI's: `PMI_RANK` without Open MPI's variables) is an error: the shim speaks Open MPI's ABI.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Distributed? {
        lock.lock(); defer { lock.unlock() }
        if let current { return current }
        guard let sizeText = env["OMPI_COMM_WORLD_SIZE"] else {
            // Another launcher (MPICH's or Intel MPI's mpirun, Slurm's srun): N processes would
            // each train alone into the same run folder.
            for key in ["PMI_RANK", "PMIX_RANK"] where env[key] != nil {
                throw DistributedError.mpi(
                    "\(key) is set but not OMPI_COMM_WORLD_SIZE: data-parallel training needs Open MPI's mpirun (Debian: openmpi-bin); MPICH, Intel MPI and srun-launched ranks are not supported"
                )
            }
            if let n = env["SLURM_NTASKS"].flatMap(Int.init), n > 1, env["SLURM_STEP_ID"] != nil {
                throw DistributedError.mpi(
                    "started by srun as one of \(n) tasks: run `mpirun -np \(n) cnnspot train ...` inside the allocation instead (Open MPI's launcher)")
            }
            return nil
        }
        var message = [CChar](repeating: 0, count: 1024)
        let rc = cnnspot_mpi_start(env["CNNSPOT_LIBMPI"], &message, message.count)
        guard rc == 0 else {
            throw DistributedError.mpi(
                "started by mpirun (OMPI_COMM_WORLD_SIZE=\(sizeText)) but Open MPI could not be started: "
                    + String(cString: message) + " (install Open MPI: apt-get install openmpi-bin, or set CNNSPOT_LIBMPI)")
        }
        var r: Int32 = 0, n: Int32 = 0
        try check(cnnspot_mpi_rank(&r), "MPI_Comm_rank")
        try check(cnnspot_mpi_size(&n), "MPI_Comm_size")
        let job = Distributed(rank: Int(r), size: Int(n))
        current = job
        atexit { _ = cnnspot_mpi_finalize() }
        return job
    }

    static func check(_ rc: Int32, _ what: String) throws {
        guard rc != 0 else { return }
        var text = [CChar](repeating: 0, count: 512)
        cnnspot_mpi_error_string(rc, &text, text.count)
        throw DistributedError.mpi("\(what): \(String(cString: text))")
    }

    /// Sums `values` over every rank, in place.
    public func sum(_ values: inout [Float]) throws {
        guard size > 1, !values.isEmpty else { return }
        try values.withUnsafeMutableBufferPointer { try Self.check(cnnspot_mpi_allreduce_sum_float($0.baseAddress, $0.count), "MPI_Allreduce") }
    }

    public func sum(_ values: inout [Double]) throws {
        guard size > 1, !values.isEmpty else { return }
        try values.withUnsafeMutableBufferPointer { try Self.check(cnnspot_mpi_allreduce_sum_double($0.baseAddress, $0.count), "MPI_Allreduce") }
    }

    /// Rank 0's `values` on every rank (the same count on each).
    public func broadcast(_ values: inout [Float]) throws {
        guard size > 1, !values.isEmpty else { return }
        try values.withUnsafeMutableBytes { try Self.check(cnnspot_mpi_broadcast($0.baseAddress, $0.count, 0), "MPI_Bcast") }
    }

    public func broadcast(_ values: inout [Double]) throws {
        guard size > 1, !values.isEmpty else { return }
        try values.withUnsafeMutableBytes { try Self.check(cnnspot_mpi_broadcast($0.baseAddress, $0.count, 0), "MPI_Bcast") }
    }

    public func barrier() throws {
        guard size > 1 else { return }
        try Self.check(cnnspot_mpi_barrier(), "MPI_Barrier")
    }

    /// Ends the whole job: a rank that failed must not leave the others waiting in a collective.
    public func abort(code: Int32) -> Never {
        cnnspot_mpi_abort(code)
        exit(code)
    }

    /// Threads for one rank when `--threads` is not given: this node's cores shared by the
    /// ranks on it (Open MPI's `OMPI_COMM_WORLD_LOCAL_SIZE`; 1 rank if unset).
    public static func threadsPerRank(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        let local = env["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) } ?? 1
        return max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, local))
    }

    /// The part `[lo, hi)` of `count` items that part `index` of `parts` takes (contiguous,
    /// sizes differing by at most one).
    public static func slice(_ count: Int, part index: Int, of parts: Int) -> Range<Int> {
        (count * index / parts)..<(count * (index + 1) / parts)
    }
}

public enum DistributedError: Error, CustomStringConvertible {
    case mpi(String)
    public var description: String {
        switch self {
        case .mpi(let m): return m
        }
    }
}
