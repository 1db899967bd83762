"""How far bf16 moves a model's logits, in PyTorch: the reference beside `--precision bf16`.

Runs an EfficientNet-Lite0 checkpoint in cnnspot's safetensors format (models/default.safetensors)
in PyTorch, float32 and under `torch.autocast("cpu", dtype=torch.bfloat16)` (PyTorch's own bf16
CPU path), on every image of MiniSynths v1 test and MiniSynths2 test at full size (the model's
input_mean/input_std from the metadata, as `cnnspot eval` preprocesses), and prints the spread of
bf16 - fp32 logits and how many verdicts flip at the stored threshold. With --ours DIR_FP32
DIR_BF16 (two `cnnspot eval -o` folders, fp32 and bf16) it prints the same for cnnspot, and
cnnspot fp32 against PyTorch fp32.

The model code is `efficientnet_lite_pytorch` 0.1.0 (scripts/fetch_efficientnet_lite0.sh);
the safetensors file is parsed by hand (no `safetensors` package in the venv).

Usage: /work/venv/bin/python scripts/bench/bf16_accuracy_reference.py [--model models/default.safetensors]
          [--ours-fp32 DIR... --ours-bf16 DIR...] [--threads 2]
"""
import argparse
import csv
import json
import math
import os
import struct
import sys

import numpy as np
import torch
from PIL import Image

assert torch.__version__.startswith("2.15.0"), torch.__version__
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "..", "shared", "data")
sys.path.insert(0, os.path.join(ROOT, "third_party", "efficientnet-lite", "src"))
from efficientnet_lite_pytorch import EfficientNet  # noqa: E402

DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "BF16": None}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        blob = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for k, v in header.items():
        a, b = v["data_offsets"]
        dt = DTYPES[v["dtype"]]
        arr = np.frombuffer(blob[a:b], dtype=dt).reshape(v["shape"])
        tensors[k] = torch.from_numpy(arr.astype(np.float32) if dt == np.float16 else arr.copy())
    return tensors, meta


def images():
    for corpus in ("minisynths", "minisynths2"):
        root = os.path.join(DATA, corpus, "test")
        for family in sorted(os.listdir(root)):
            for label in ("0_real", "1_fake"):
                d = os.path.join(root, family, label)
                for name in sorted(os.listdir(d)):
                    yield corpus, family, label, os.path.join(d, name)


def spread(pairs, threshold, what):
    d = np.array([b - a for a, b in pairs])
    rel = np.abs(d) / np.maximum(np.abs(np.array([a for a, _ in pairs])), 1.0)
    logit_t = math.log(threshold / (1 - threshold))
    flips = sum((a > logit_t) != (b > logit_t) for a, b in pairs)
    print(f"{what:34} n {len(pairs):4}  max |diff| {np.abs(d).max():.4f}  mean |diff| {np.abs(d).mean():.4f}  "
          f"max rel (floor 1) {rel.max():.4f}  verdict flips at {threshold:.3f}: {flips}")


def read_scores(folders):
    """path -> logit from `cnnspot eval -o` folders' scores.csv."""
    out = {}
    for folder in folders:
        with open(os.path.join(folder, "scores.csv")) as f:
            for row in csv.DictReader(f):
                out[os.path.realpath(row["path"])] = float(row["logit"])
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default=os.path.join(ROOT, "models", "default.safetensors"))
    p.add_argument("--ours-fp32", nargs="+", default=[])
    p.add_argument("--ours-bf16", nargs="+", default=[])
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    state, meta = read_safetensors(a.model)
    assert meta.get("architecture") == "efficientnet_lite0", meta.get("architecture")
    model = EfficientNet.from_name("efficientnet-lite0", num_classes=1, image_size=None)
    model.load_state_dict(state)
    model.eval()
    mean = torch.tensor(json.loads(meta["input_mean"]), dtype=torch.float32).view(3, 1, 1)
    std = torch.tensor(json.loads(meta["input_std"]), dtype=torch.float32).view(3, 1, 1)
    threshold = float(meta.get("threshold", 0.5))
    torch_fp32, torch_bf16 = {}, {}
    for corpus, family, label, path in images():
        img = np.asarray(Image.open(path).convert("RGB"), dtype=np.float32) / 255.0
        x = ((torch.from_numpy(img).permute(2, 0, 1) - mean) / std)[None]
        with torch.inference_mode():
            l32 = float(model(x).reshape(-1)[0])
            with torch.autocast("cpu", dtype=torch.bfloat16):
                l16 = float(model(x).float().reshape(-1)[0])
        key = os.path.realpath(path)
        torch_fp32[key], torch_bf16[key] = l32, l16
    print(f"# {a.model}: {len(torch_fp32)} images, torch {torch.__version__}, threads {a.threads}")
    keys = sorted(torch_fp32)
    spread([(torch_fp32[k], torch_bf16[k]) for k in keys], threshold, "PyTorch bf16 autocast vs fp32")
    if a.ours_fp32 and a.ours_bf16:
        ours32, ours16 = read_scores(a.ours_fp32), read_scores(a.ours_bf16)
        common = [k for k in keys if k in ours32 and k in ours16]
        spread([(ours32[k], ours16[k]) for k in common], threshold, "cnnspot bf16 vs fp32")
        spread([(torch_fp32[k], ours32[k]) for k in common], threshold, "cnnspot fp32 vs PyTorch fp32")
        spread([(torch_bf16[k], ours16[k]) for k in common], threshold, "cnnspot bf16 vs PyTorch bf16")


if __name__ == "__main__":
    main()
