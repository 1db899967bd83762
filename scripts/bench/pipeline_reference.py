#!/usr/bin/env python3
"""Times the reference's training data pipeline on one core: decode (PIL open + convert RGB),
resize to 256 (bilinear), Blur+JPEG(0.5) augmentation (SciPy blur, cv2/PIL JPEG), RandomCrop
224, RandomHorizontalFlip, ToTensor, Normalize -- the exact calls of CNNDetection's
data/datasets.py (see reference_transform.py).

Usage: /work/venv/bin/python scripts/bench/pipeline_reference.py [--data DIR] [--count 200] [--runs 5]
Prints images/s per run and the median.
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import glob  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import cv2  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_transform as rt  # noqa: E402

BLUR_JPG_05 = dict(loadSize=256, rz_interp=["bilinear"], blur_prob=0.5, blur_sig=[0.0, 3.0], jpg_prob=0.5,
                   jpg_method=["cv2", "pil"], jpg_qual=list(range(30, 101)), crop="random", cropSize=224,
                   flip=True)


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(root, "..", "shared", "data", "minisynths", "train"))
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    files = sorted(glob.glob(os.path.join(a.data, "**", "*.png"), recursive=True))[: a.count]
    if not files:
        sys.exit(f"no PNG under {a.data}")
    u8, tensor = rt.build(BLUR_JPG_05)
    random.seed(a.seed)
    torch.manual_seed(a.seed)
    rates, cpu_rates = [], []
    for r in range(a.runs):
        t0, c0 = time.perf_counter(), time.thread_time()
        for f in files:
            x = tensor(u8(Image.open(f).convert("RGB")))
            assert x.shape == (3, 224, 224)
        dt, cpu = time.perf_counter() - t0, time.thread_time() - c0
        rates.append(len(files) / dt)
        cpu_rates.append(len(files) / cpu)
        print(f"run {r + 1}: {len(files)} images in {dt:.3f} s = {rates[-1]:.1f} images/s "
              f"(CPU time {cpu:.3f} s = {cpu_rates[-1]:.1f} images/s)", flush=True)
    print(f"python reference pipeline: median {statistics.median(rates):.1f} images/s wall, "
          f"{statistics.median(cpu_rates):.1f} images/s CPU over {a.runs} runs ({len(files)} images, 1 thread)")


if __name__ == "__main__":
    main()
