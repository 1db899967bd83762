#!/usr/bin/env python3
"""End-to-end check of checkpoint loading (not run in CI; needs /work/venv with torch 2.15.0).

1. Builds a torchvision resnet50 with fc = Linear(2048, 1) from random init (seeded), sets its
   BatchNorm running statistics from the example images (so logits are O(1), not blown up),
   and saves it as CNNDetection does, `{'model': state_dict}`, in torch's zip and legacy formats.
2. Runs PyTorch on ../shared/data/examples/*.png at full size (ToTensor + ImageNet Normalize,
   as CNNDetection's demo with no crop) and prints the logits.
3. `cnnspot convert` (zip -> safetensors, float32) and reads the result back with the
   `safetensors` package: every tensor must equal the PyTorch state dict exactly.
4. `cnnspot detect -m FILE --format jsonl IMAGES` on the zip, legacy and converted files; each
   logit must match PyTorch within 1e-4 (absolute). Skipped (reported, exit 0) while the binary
   has no `detect` subcommand; pass --require-detect to make that a failure.

Usage: /work/venv/bin/python scripts/verify_checkpoint_logits.py [--cnnspot .build/release/cnnspot]
"""
import argparse
import glob
import json
import os
import subprocess
import sys

import numpy as np
import torch
import torchvision
from PIL import Image

assert torch.__version__.startswith("2.15.0"), torch.__version__
assert torchvision.__version__.startswith("0.29.2"), torchvision.__version__

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
TOL = 1e-4


def load_image(path):
    img = Image.open(path).convert("RGB")
    x = torch.from_numpy(np.asarray(img, dtype=np.float32) / 255.0).permute(2, 0, 1)
    return torchvision.transforms.functional.normalize(x, MEAN, STD).unsqueeze(0)


def build_model(images):
    torch.manual_seed(0)
    model = torchvision.models.resnet50(weights=None)
    model.fc = torch.nn.Linear(2048, 1)
    torch.nn.init.normal_(model.fc.weight, 0.0, 0.02)
    # Running statistics from the images (cumulative average), so eval-mode activations stay sane.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.momentum = None
    model.train()
    with torch.no_grad():
        for x in images.values():
            model(x)
    return model.eval()


def run_detect(cnnspot, model_file, paths):
    cmd = [cnnspot, "detect", "-m", model_file, "--format", "jsonl", *paths]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return None, proc.stderr.strip() or proc.stdout.strip()
    return parse_logits(proc.stdout, paths), None


def parse_logits(text, paths):
    """Accepts a JSON array of per-image objects, an object with a list of them, or JSON lines;
    each object needs a path-like field and a `logit`."""
    try:
        data = json.loads(text)
        items = data if isinstance(data, list) else next(v for v in data.values() if isinstance(v, list))
    except (json.JSONDecodeError, StopIteration):
        items = [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]
    out = {}
    for item in items:
        path = next((item[k] for k in ("path", "file", "image") if k in item), None)
        if path is not None and "logit" in item:
            out[os.path.basename(path)] = float(item["logit"])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cnnspot", default=os.path.join(ROOT, ".build", "release", "cnnspot"))
    ap.add_argument("--out", default="/tmp/cnnspot_verify_checkpoint")
    ap.add_argument("--require-detect", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    paths = sorted(glob.glob(os.path.join(ROOT, "..", "shared", "data", "examples", "*.png")))
    assert paths, "no example images"
    images = {os.path.basename(p): load_image(p) for p in paths}
    model = build_model(images)
    with torch.no_grad():
        torch_logits = {name: model(x).item() for name, x in images.items()}
    for name, v in torch_logits.items():
        print(f"pytorch  {name}: logit {v:+.6f}")

    sd = model.state_dict()
    zip_file = os.path.join(args.out, "resnet50_fc1.pth")
    legacy_file = os.path.join(args.out, "resnet50_fc1_legacy.pth")
    st_file = os.path.join(args.out, "resnet50_fc1.safetensors")
    torch.save({"model": sd}, zip_file)
    torch.save({"model": sd}, legacy_file, _use_new_zipfile_serialization=False)

    if not os.path.exists(args.cnnspot):
        print(f"no cnnspot binary at {args.cnnspot}; only the PyTorch half ran")
        return 0
    subprocess.run([args.cnnspot, "convert", zip_file, st_file], check=True)
    import safetensors.torch
    converted = safetensors.torch.load_file(st_file)
    assert set(converted) == set(sd), "converted keys differ"
    worst = max((converted[k].to(torch.float64) - sd[k].to(torch.float64)).abs().max().item() if sd[k].numel() else 0.0
                for k in sd)
    print(f"safetensors (Swift writer, read by the safetensors package): {len(sd)} tensors, worst abs diff {worst}")
    assert worst == 0.0

    failures = 0
    for label, f in (("zip", zip_file), ("legacy", legacy_file), ("safetensors", st_file)):
        logits, err = run_detect(args.cnnspot, f, paths)
        if logits is None:
            print(f"cnnspot detect on {label}: not available ({err.splitlines()[0] if err else 'no output'})")
            failures += 1 if args.require_detect else 0
            continue
        diffs = [abs(logits[n] - v) for n, v in torch_logits.items() if n in logits]
        missing = [n for n in torch_logits if n not in logits]
        ok = not missing and max(diffs) <= TOL
        print(f"cnnspot detect on {label}: worst |logit diff| {max(diffs) if diffs else float('nan'):.2e} "
              f"(tolerance {TOL}){' missing ' + str(missing) if missing else ''} -> {'OK' if ok else 'FAIL'}")
        failures += 0 if ok else 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
