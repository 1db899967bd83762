// libFuzzer harness: feeds arbitrary bytes to `Checkpoint.load(data:)` (format sniffing, the
// torch zip reader over ZIPFoundation, the legacy reader, the pickle machine, safetensors),
// then converts every tensor it got, so view/stride bounds are exercised too.
// Build and run: see fuzz/README.md.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    var limits = CheckpointLimits()
    limits.maxFileBytes = 1 << 20
    // Smaller object limits than the defaults keep each run fast; the code paths are the same.
    limits.maxContainers = 1 << 14
    limits.maxStackSize = 1 << 16
    guard let ckpt = try? Checkpoint.load(data: data, limits: limits) else { return 0 }
    // No size filter: validation bounds every view by its storage (issue 13 row 2), so a
    // forged view costs at most the file's bytes; -malloc_limit_mb catches any that does not.
    for (_, tensor) in ckpt.allTensors {
        _ = try? tensor.floatValues()
    }
    _ = try? ckpt.stateDict(stripModulePrefix: true)
    _ = try? ckpt.adamState()
    _ = try? SafeTensorsWriter.encode(ckpt.allTensors.filter { $0.tensor.count <= 1 << 16 && !$0.key.isEmpty }, floats: .float16)
    return 0
}
