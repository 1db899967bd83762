"""PyTorch side of the synth benchmark (BENCHMARKS.md, "Synth families"): the same work as our
`taef2` and `ae-nearest` fakes, on 256x256 patches, batch 1, CPU, float32.

- taef2: encode + decode with the real weights (network from scripts/fixtures/make_taef2_fixtures.py).
- ae-nearest: the AutoencoderSpec network (width 32: conv3x3 3->32, 32->64 /2, 64->64 /2, LeakyReLU
  0.2; head conv 64->32, 2 x [nearest x2, conv 32->32, LReLU], tail conv 32->3), random weights
  (the speed does not depend on their values).
Prints patches/s (median of 3 rounds of N patches after 2 warm-up patches).
Usage: OMP_WAIT_POLICY=PASSIVE /work/venv/bin/python scripts/bench/bench_synth_torch.py [threads] [N]
"""
import os
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
n = int(sys.argv[2]) if len(sys.argv) > 2 else 8
torch.set_num_threads(threads)
import make_taef2_fixtures as taef2  # noqa: E402  (builds and loads the network; writes the fixtures again, same bytes)


def ae_nearest(w=32):
    a = lambda: nn.LeakyReLU(0.2)  # noqa: E731
    up = lambda: nn.Upsample(scale_factor=2, mode="nearest")  # noqa: E731
    return nn.Sequential(nn.Conv2d(3, w, 3, padding=1), a(), nn.Conv2d(w, 2 * w, 3, 2, 1), a(), nn.Conv2d(2 * w, 2 * w, 3, 2, 1), a(),
                         nn.Conv2d(2 * w, w, 3, padding=1), a(), up(), nn.Conv2d(w, w, 3, padding=1), a(), up(),
                         nn.Conv2d(w, w, 3, padding=1), a(), nn.Conv2d(w, 3, 3, padding=1)).eval()


def bench(name, f):
    x = torch.rand(1, 3, 256, 256)
    with torch.no_grad():
        for _ in range(2):
            f(x)
        rates = []
        for _ in range(3):
            t = time.perf_counter()
            for _ in range(n):
                y = f(x)
                _ = torch.floor(y.clamp(0, 1) * 255 + 0.5).to(torch.uint8)
            rates.append(n / (time.perf_counter() - t))
    rates.sort()
    print(f"torch {torch.__version__} threads {threads} {name}: {rates[1]:.2f} patches/s (rounds {', '.join(f'{r:.2f}' for r in rates)})")


bench("taef2", lambda x: taef2.dec(taef2.enc(x)))
bench("ae-nearest", ae_nearest())
