#!/usr/bin/env python3
"""Times `cnnspot train` steps for BENCHMARKS.md "Training": full steps with the data pipeline
(decode PNG, resize, augment, crop 224, normalise on --workers threads; forward, BCE, backward,
Adam), resnet50 with one logit. The trainer prints a loss line after every step
(--loss-freq 1); the rate is images / time between the line of the first step after warm-up and
the last step's line, so startup, warm-up, validation and checkpoint writes are left out.

Makes a ForenSynths tree of symlinks to minisynths/train (batch * (warmup + steps) images).
Run: /work/venv/bin/python scripts/bench/bench_train_swift.py --batch 16 --steps 4 --runs 3
The binary: $CNNSPOT, else .build/release/cnnspot (to time two builds in one sitting).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
p = argparse.ArgumentParser()
p.add_argument("--batch", type=int, default=16)
p.add_argument("--steps", type=int, default=4)
p.add_argument("--warmup", type=int, default=1)
p.add_argument("--runs", type=int, default=3)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--workers", type=int, default=2)
p.add_argument("--arch", default="resnet50")
p.add_argument("--crop", type=int, default=224)
p.add_argument("--extra", default="", help="more train options, e.g. '--blur-prob 0.5 --jpg-prob 0.5'")
a = p.parse_args()

tmp = Path(tempfile.mkdtemp(prefix="cnnspot-bench-train-"))
src = ROOT.parent / "shared" / "data" / "minisynths"
need = a.batch * (a.warmup + a.steps)
for split, n in [("train", need // 2), ("val", 1)]:
    for label in ["0_real", "1_fake"]:
        d = tmp / "data" / split / "realesrgan" / label
        d.mkdir(parents=True)
        names = sorted(os.listdir(src / split / "realesrgan" / label))[:n]
        for name in names:
            (d / name).symlink_to(src / split / "realesrgan" / label / name)

rates = []
try:
    for run in range(a.runs):
        cmd = [os.environ.get("CNNSPOT", str(ROOT / ".build" / "release" / "cnnspot")), "train", "--dataroot", str(tmp / "data"), "--name", f"r{run}",
               "-o", str(tmp / "ck"), "--arch", a.arch, "--crop-size", str(a.crop), "--batch-size", str(a.batch),
               "--max-steps", str(a.warmup + a.steps), "--threads", str(a.threads), "--workers", str(a.workers),
               "--loss-freq", "1", "--save-latest-freq", "100000", "--seed", str(run)] + a.extra.split()
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        stamps = []
        for line in proc.stderr:
            if line.startswith("step "):
                stamps.append(time.perf_counter())
        proc.wait()
        assert proc.returncode == 0, f"cnnspot train failed ({proc.returncode})"
        assert len(stamps) == a.warmup + a.steps, stamps
        rate = a.batch * (len(stamps) - a.warmup) / (stamps[-1] - stamps[a.warmup - 1])
        rates.append(rate)
        print(f"run {run}: {rate:.2f} images/s", flush=True)
        shutil.rmtree(tmp / "ck", ignore_errors=True)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print(f"cnnspot {a.arch} batch {a.batch} crop {a.crop} threads {a.threads} workers {a.workers} {a.extra}: "
      f"median {statistics.median(rates):.2f} images/s over {a.runs} runs")
