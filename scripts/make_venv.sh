#!/usr/bin/env bash
# Creates the Python environment the fixture, verification and benchmark scripts use
# (never needed by CI or the Swift tests). Pinned versions; PyPI only.
#   ./scripts/make_venv.sh [/work/venv]
set -euo pipefail
VENV=${1:-/work/venv}
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q torch==2.15.0 torchvision==0.29.2 numpy==2.4.6 pillow==13.0.0 scipy==1.17.1 \
  scikit-learn==1.9.1 opencv-python-headless==5.0.0.93 onnx==1.23.2 onnxruntime==1.32.0
"$VENV/bin/python" -c "import torch, onnx, onnxruntime; print('torch', torch.__version__, 'onnx', onnx.__version__, 'onnxruntime', onnxruntime.__version__)"
