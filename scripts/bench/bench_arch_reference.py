"""References for BENCHMARKS.md "Architectures": NPR and EfficientNet-Lite0 (closed-formula
synthetic weights, one logit) in onnxruntime (the same ONNX export for both) for inference, and
PyTorch's training step (Adam lr 1e-4, BCEWithLogits, train mode, random tensors) for training.

  /work/venv/bin/python scripts/bench/bench_arch_reference.py infer --arch npr --cases 1x224,16x224,1x1024
  /work/venv/bin/python scripts/bench/bench_arch_reference.py train --arch npr --batch 32 --crop 224

The inference input is `cnnspot bench`'s (sin(0.001 i), NCHW). EfficientNet-Lite0 uses the
reference model code of `efficientnet_lite_pytorch` 0.1.0 (scripts/fetch_efficientnet_lite0.sh),
dynamic TF-same padding; training without dropout/drop-connect, as `cnnspot train` does.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
sys.path.insert(0, os.path.join(ROOT, "third_party", "efficientnet-lite", "src"))
from synthetic_weights import synthetic_state_dict  # noqa: E402


def model(arch, train=False):
    if arch == "npr":
        from arch_models import NPRNet
        m = NPRNet()
        synthetic_state_dict(m, head="fc1")
    else:
        from efficientnet_lite_pytorch import EfficientNet
        m = EfficientNet.from_name(arch.replace("_", "-"), num_classes=1, image_size=None,
                                   dropout_rate=0.0 if train else 0.2, drop_connect_rate=0.0 if train else 0.2)
        synthetic_state_dict(m, head="_fc")
    return m.train() if train else m.eval()


def bench_input(n, h, w):
    i = np.arange(n * 3 * h * w, dtype=np.float64)
    return np.sin(0.001 * i).astype(np.float32).reshape(n, 3, h, w)


def infer(a):
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = a.threads
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    print(f"# onnxruntime {ort.__version__}, {a.arch}, threads {a.threads}, load {os.getloadavg()}")
    print("case        median ms   min ms   img/s  logit[0]")
    for case in a.cases.split(","):
        n, s = map(int, case.split("x"))
        x = bench_input(n, s, s)
        # One export per image size: the reference's dynamic padding and flatten are traced
        # as constants of the export's input size (a 224 export gives wrong logits at 1024).
        path = f"/tmp/cnnspot_bench_{a.arch}_{s}.onnx"
        if not os.path.exists(path):
            torch.onnx.export(model(a.arch), (torch.from_numpy(bench_input(1, s, s)),), path, input_names=["input"],
                              output_names=["logit"], dynamic_axes={"input": {0: "n"}, "logit": {0: "n"}},
                              opset_version=17, dynamo=False)
        sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
        for _ in range(a.warmup):
            y = sess.run(None, {"input": x})[0]
        times = []
        for _ in range(a.runs):
            t0 = time.perf_counter()
            y = sess.run(None, {"input": x})[0]
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        print(f"{case:<10} {1e3 * med:10.1f} {1e3 * min(times):8.1f} {n / med:7.2f}  {float(y.reshape(-1)[0]):.6f}")


def train(a):
    torch.set_num_threads(a.threads)
    m = model(a.arch, train=True)
    opt = torch.optim.Adam(m.parameters(), lr=1e-4, betas=(0.9, 0.999))
    g = torch.Generator().manual_seed(0)
    x = torch.randn(a.batch, 3, a.crop, a.crop, generator=g)
    y = (torch.arange(a.batch) % 2).float()

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(m(x).squeeze(1), y)
        loss.backward()
        opt.step()
    for _ in range(a.warmup):
        step()
    print(f"# PyTorch {torch.__version__} training step, {a.arch}, batch {a.batch}, {a.crop}x{a.crop}, threads {a.threads}, load {os.getloadavg()}")
    rates = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        for _ in range(a.steps):
            step()
        rates.append(a.batch * a.steps / (time.perf_counter() - t0))
    print(f"img/s median {statistics.median(rates):.2f} runs {[round(r, 2) for r in rates]}")


p = argparse.ArgumentParser()
p.add_argument("mode", choices=["infer", "train"])
p.add_argument("--arch", default="npr")
p.add_argument("--cases", default="1x224,16x224,1x1024,16x1024")
p.add_argument("--batch", type=int, default=32)
p.add_argument("--crop", type=int, default=224)
p.add_argument("--steps", type=int, default=2)
p.add_argument("--runs", type=int, default=3)
p.add_argument("--warmup", type=int, default=1)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
infer(a) if a.mode == "infer" else train(a)
