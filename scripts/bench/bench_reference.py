"""Reference timings for `cnnspot bench`: the same ResNet-50 (torchvision, num_classes=1,
closed-formula synthetic weights, eval mode) in onnxruntime and in PyTorch CPU, same inputs,
same thread count, same protocol (warm-up, then median and min of timed runs).

Each (framework, case) runs in its own child process so its peak RSS (getrusage ru_maxrss)
is its own; the RSS includes the Python interpreter and the framework libraries.

Usage: /work/venv/bin/python scripts/bench/bench_reference.py [--threads 2] [--runs 7]
          [--warmup 2] [--cases 1x224,1x256,1x1024,16x224] [--frameworks ort,torch]
          [--precision fp32|bf16]
--precision bf16 runs PyTorch under `torch.autocast("cpu", dtype=torch.bfloat16)` on a
channels-last model (PyTorch's own bf16 CPU path, oneDNN kernels); onnxruntime's CPU provider has
no bf16 kernels, so `ort` is refused with bf16.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
ONNX_PATH = "/tmp/cnnspot_bench_resnet50_synthetic.onnx"


def bench_input(n, h, w):
    """The benchmark input `cnnspot bench` uses: x[i] = sin(0.001 * i) over NCHW row-major,
    i.e. values in [-1, 1] like a normalised image (BenchInput in BenchCommand.swift)."""
    i = np.arange(n * 3 * h * w, dtype=np.float64)
    return np.sin(0.001 * i).astype(np.float32).reshape(n, 3, h, w)


def resnet50():
    import torch
    import torchvision
    from synthetic_weights import synthetic_state_dict
    m = torchvision.models.resnet50(weights=None, num_classes=1)
    synthetic_state_dict(m)
    return m.eval()


def conv_fc_gflop(h, w):
    """Multiply-adds x 2 of every conv and the fc of ResNet-50 at one HxW image (same count as
    the Swift side: output pixels x Cout x Cin x k x k x 2)."""
    def out(s, k, st, p):
        return (s + 2 * p - k) // st + 1
    flops = 0
    H, W = out(h, 7, 2, 3), out(w, 7, 2, 3)
    flops += 2 * H * W * 64 * 3 * 49
    H, W = out(H, 3, 2, 1), out(W, 3, 2, 1)
    cin = 64
    for stage, count in enumerate([3, 4, 6, 3]):
        width = 64 << stage
        for i in range(count):
            stride = 2 if (i == 0 and stage > 0) else 1
            flops += 2 * H * W * width * cin            # conv1 1x1
            H2, W2 = out(H, 3, stride, 1), out(W, 3, stride, 1)
            flops += 2 * H2 * W2 * width * width * 9    # conv2 3x3
            flops += 2 * H2 * W2 * width * 4 * width    # conv3 1x1
            if i == 0:
                flops += 2 * H2 * W2 * width * 4 * cin  # downsample 1x1
            H, W, cin = H2, W2, width * 4
    flops += 2 * 2048
    return flops / 1e9


def export_onnx():
    import torch
    if os.path.exists(ONNX_PATH):
        return
    m = resnet50()
    x = torch.from_numpy(bench_input(1, 224, 224))
    torch.onnx.export(m, (x,), ONNX_PATH, input_names=["input"], output_names=["logit"],
                      dynamic_axes={"input": {0: "n", 2: "h", 3: "w"}, "logit": {0: "n"}},
                      opset_version=17, dynamo=False)


def run_child(framework, n, h, w, threads, runs, warmup, precision="fp32"):
    x = bench_input(n, h, w)
    if framework == "ort":
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        sess = ort.InferenceSession(ONNX_PATH, opts, providers=["CPUExecutionProvider"])
        def f():
            return sess.run(None, {"input": x})[0]
    else:
        import torch
        torch.set_num_threads(threads)
        m = resnet50()
        t = torch.from_numpy(x)
        if precision == "bf16":
            m = m.to(memory_format=torch.channels_last)
            t = t.contiguous(memory_format=torch.channels_last)
            def f():
                with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
                    return m(t).float().numpy()
        else:
            def f():
                with torch.inference_mode():
                    return m(t).numpy()
    for _ in range(warmup):
        y = f()
    times = []
    cpu0 = time.process_time()
    for _ in range(runs):
        t0 = time.perf_counter()
        y = f()
        times.append(time.perf_counter() - t0)
    cpu_ms = 1e3 * (time.process_time() - cpu0) / runs
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"framework": framework, "precision": precision, "n": n, "h": h, "w": w, "threads": threads,
            "median_ms": 1e3 * statistics.median(times), "min_ms": 1e3 * min(times),
            "peak_rss_mb": rss_mb, "cpu_ms": cpu_ms, "first_logit": float(y.reshape(-1)[0])}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--cases", default="1x224,1x256,1x1024,16x224")
    p.add_argument("--frameworks", default="ort,torch")
    p.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    p.add_argument("--child", default=None, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.precision == "bf16" and not a.child and "ort" in a.frameworks.split(","):
        p.error("onnxruntime's CPU provider has no bf16 kernels: use --frameworks torch with --precision bf16")
    if a.child:
        fw, n, h, w = a.child.split(":")
        print(json.dumps(run_child(fw, int(n), int(h), int(w), a.threads, a.runs, a.warmup, a.precision)))
        return
    if "ort" in a.frameworks:
        export_onnx()
    print(f"# load: {os.getloadavg()}; precision {a.precision}")
    print(f"{'framework':8} {'case':>10} {'median ms':>10} {'min ms':>9} {'img/s':>7} {'GFLOP/s':>8} {'RSS MB':>7} {'CPU ms/run':>10}  logit[0]")
    for case in a.cases.split(","):
        n, s = case.split("x")
        n, s = int(n), int(s)
        for fw in a.frameworks.split(","):
            out = subprocess.run([sys.executable, __file__, "--child", f"{fw}:{n}:{s}:{s}",
                                  "--threads", str(a.threads), "--runs", str(a.runs),
                                  "--warmup", str(a.warmup), "--precision", a.precision],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                print(f"{fw} {case} failed:\n{out.stderr}", file=sys.stderr)
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            gflops = n * conv_fc_gflop(s, s) / (r["median_ms"] / 1e3)
            print(f"{fw:8} {case:>10} {r['median_ms']:10.1f} {r['min_ms']:9.1f} "
                  f"{n / (r['median_ms'] / 1e3):7.2f} {gflops:8.1f} {r['peak_rss_mb']:7.0f} {r['cpu_ms']:10.1f}  {r['first_logit']:.6f}",
                  flush=True)
    print(f"# load: {os.getloadavg()}")


if __name__ == "__main__":
    main()
