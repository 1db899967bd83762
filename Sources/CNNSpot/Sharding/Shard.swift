import Foundation

/// One of N deterministic parts of a job's inputs (`--shard I/N`, 0-based), so that N machines of
/// a job scheduler each score a part and `cnnspot merge` joins them into what one run gives.
///
/// The partition: the job's inputs (images, and inputs that failed to expand) in byte order of
/// their paths, then item k goes to shard k mod N. The order depends only on the paths, not on
/// the machine, the file system's listing order or the order the inputs were given in; round
/// robin spreads large and small images evenly however the folders are laid out.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw ShardError.invalid("the shard count must be at least 1, not \(count)") }
        guard (0..<count).contains(index) else {
            throw ShardError.invalid("shard index \(index) is outside 0...\(count - 1) (indices are 0-based: 0/\(count) ... \(count - 1)/\(count))")
        }
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }

    /// `I/N`, e.g. `0/4` ... `3/4`.
    public static func parse(_ text: String) throws -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw ShardError.invalid("--shard takes I/N (0-based, e.g. 0/4) or auto, not '\(text)'")
        }
        return try Shard(index: i, count: n)
    }

    /// The shard a job scheduler gave this process, from its environment:
    /// - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX`, with the count from `shards`
    ///   (`--shards N`) or `JOB_COMPLETIONS` (set it in the manifest from `.spec.completions`);
    /// - Slurm job array: `SLURM_ARRAY_TASK_ID` minus `SLURM_ARRAY_TASK_MIN`, of
    ///   `SLURM_ARRAY_TASK_COUNT` (or MAX - MIN + 1);
    /// - MPI: `OMPI_COMM_WORLD_RANK`/`OMPI_COMM_WORLD_SIZE` (Open MPI), `PMI_RANK`/`PMI_SIZE` (MPICH, Intel MPI).
    /// `shards` overrides the count in every case; a count that disagrees with the scheduler's is an error.
    public static func fromEnvironment(_ env: [String: String], shards: Int? = nil) throws -> Shard {
        func int(_ key: String) throws -> Int? {
            guard let v = env[key], !v.isEmpty else { return nil }
            guard let n = Int(v.trimmingCharacters(in: .whitespaces)) else {
                throw ShardError.invalid("--shard auto: \(key)='\(v)' is not an integer")
            }
            return n
        }
        func make(_ index: Int, _ schedulerCount: Int?, _ source: String) throws -> Shard {
            if let s = shards, let c = schedulerCount, s != c {
                throw ShardError.invalid("--shards \(s) disagrees with the scheduler's count \(c) (\(source))")
            }
            guard let n = shards ?? schedulerCount else {
                throw ShardError.invalid("--shard auto: \(source) gives the index \(index) but no count: give --shards N")
            }
            return try Shard(index: index, count: n)
        }
        if let i = try int("JOB_COMPLETION_INDEX") {
            return try make(i, try int("JOB_COMPLETIONS"), "Kubernetes JOB_COMPLETION_INDEX")
        }
        if let id = try int("SLURM_ARRAY_TASK_ID") {
            let lo = try int("SLURM_ARRAY_TASK_MIN") ?? 0
            var n = try int("SLURM_ARRAY_TASK_COUNT")
            if n == nil, let hi = try int("SLURM_ARRAY_TASK_MAX") { n = hi - lo + 1 }
            return try make(id - lo, n, "Slurm SLURM_ARRAY_TASK_ID")
        }
        for (rank, size, name) in [("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "Open MPI"), ("PMI_RANK", "PMI_SIZE", "PMI")] {
            if let r = try int(rank) { return try make(r, try int(size), "\(name) \(rank)") }
        }
        throw ShardError.invalid(
            "--shard auto: no scheduler index in the environment (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, OMPI_COMM_WORLD_RANK or PMI_RANK); give --shard I/N"
        )
    }

    /// The positions of `paths` (in any order) that belong to this shard, in path byte order.
    public func select(_ paths: [String]) -> [Int] { split(paths).picked }

    /// `select` and `fingerprint` from one sort of the job's inputs.
    public func split(_ paths: [String]) -> (picked: [Int], fingerprint: String) {
        let order = Shard.sortedOrder(paths)
        let picked = stride(from: index, to: order.count, by: count).map { order[$0] }
        return (picked, Shard.fingerprint(sorted: order.map { paths[$0] }))
    }

    /// Positions of `paths` in path byte order (ties by position, so the order is total).
    static func sortedOrder(_ paths: [String]) -> [Int] {
        paths.indices.sorted { Shard.less(paths[$0], paths[$1]) || (paths[$0] == paths[$1] && $0 < $1) }
    }

    /// Byte order of UTF-8 paths (locale-free, the same on every machine).
    public static func less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// SHA-256 (hex) of the job's full sorted input list: shards of one job share it, so merge can
    /// tell outputs of different jobs (other inputs) apart.
    public static func fingerprint(_ paths: [String]) -> String {
        fingerprint(sorted: sortedOrder(paths).map { paths[$0] })
    }

    static func fingerprint(sorted: [String]) -> String {
        var bytes: [UInt8] = []
        for p in sorted { bytes += Array(p.utf8); bytes.append(0) }
        return SHA256.hex(bytes)
    }
}

public enum ShardError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let m): return m
        }
    }
}
