#!/usr/bin/env bash
# BENCHMARKS.md "Architectures": NPR and EfficientNet-Lite0 beside onnxruntime (inference) and
# PyTorch (training step), one sitting, `uptime` before each step. Needs the venv of
# scripts/make_venv.sh (/work/venv) and a release build.
#   scripts/bench/arch_sitting.sh [LOG]
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PY=${PY:-/work/venv/bin/python}
BIN=${CNNSPOT:-$ROOT/.build/release/cnnspot}
LOG=${1:-/tmp/arch_sitting.log}
: > "$LOG"
run() { echo "### $(date -u +%T) load: $(cut -d' ' -f1-3 /proc/loadavg) :: $*" | tee -a "$LOG"; "$@" 2>&1 | tee -a "$LOG"; }
for arch in npr efficientnet_lite0; do
  run "$BIN" bench --arch $arch --cases 1x224,16x224,1x1024 --runs 3 --warmup 1 --threads 2
  run "$PY" scripts/bench/bench_arch_reference.py infer --arch $arch --cases 1x224,16x224,1x1024 --runs 3
done
for arch in npr efficientnet_lite0; do
  run "$PY" scripts/bench/bench_train_swift.py --arch $arch --batch 32 --crop 224 --steps 2 --warmup 1 --runs 3
  run "$PY" scripts/bench/bench_arch_reference.py train --arch $arch --batch 32 --crop 224 --steps 2 --runs 3
done
echo "### $(date -u +%T) done, load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOG"
