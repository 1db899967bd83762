import Foundation
import XCTest
import CNNSpot

/// Fakes per second per family at 256x256 (BENCHMARKS.md, "Synth families"). Opt-in:
/// `CNNSPOT_SYNTH_BENCH=1 OMP_WAIT_POLICY=PASSIVE swift test -c release --skip-build --filter SynthBenchmarkTests`
/// (`CNNSPOT_SYNTH_BENCH_N` patches per round, default 8; threads from `CNNSPOT_SYNTH_BENCH_THREADS`, default 2).
/// Median of 3 rounds after 2 warm-up fakes; `ae-*` prepare (training on 64 patches) timed apart.
final class SynthBenchmarkTests: XCTestCase {
    func testFakesPerSecond() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["CNNSPOT_SYNTH_BENCH"] == "1" else { throw XCTSkip("benchmark: set CNNSPOT_SYNTH_BENCH=1") }
        let n = Int(env["CNNSPOT_SYNTH_BENCH_N"] ?? "") ?? 8
        let only = env["CNNSPOT_SYNTH_BENCH_FAMILIES"].map { Set($0.split(separator: ",").map(String.init)) }
        let compute = ComputeOptions(threads: Int(env["CNNSPOT_SYNTH_BENCH_THREADS"] ?? "") ?? 2)
        let patches = try SynthTestPatches.load(count: 64, size: 256)
        for entry in SynthFamilies.available where only?.contains(entry.name) ?? true {
            try compute.bind {
                let family = try SynthFamilies.make(entry.name)
                let t0 = Date()
                try family.prepare(patches: patches, directory: try makeTempDir(self).path)
                let prep = Date().timeIntervalSince(t0)
                for i in 0..<2 { _ = try family.fake(of: patches[i], seed: UInt64(i)) }
                var rates: [Double] = []
                for round in 0..<3 {
                    let t = Date()
                    for i in 0..<n { _ = try family.fake(of: patches[(round * n + i) % patches.count], seed: UInt64(100 + round * n + i)) }
                    rates.append(Double(n) / Date().timeIntervalSince(t))
                }
                rates.sort()
                print(
                    String(
                        format: "bench %@: %.2f patches/s (rounds %@), threads %d, prepare %.1f s", entry.name, rates[1],
                        rates.map { String(format: "%.2f", $0) }.joined(separator: ", "), compute.threads, prep))
            }
        }
    }
}
