#!/usr/bin/env bash
# BENCHMARKS.md "bf16 inference": fp32 and bf16 side by side in one sitting, with PyTorch (fp32
# and its own bf16 autocast) and onnxruntime (fp32; its CPU provider has no bf16 convolutions)
# on the same synthetic ResNet-50 and inputs, the three architectures in `cnnspot bench`, and
# `cnnspot eval` of the shipped model end to end (decode + preprocess + network). `uptime` before
# each step. Needs the venv of scripts/make_venv.sh (/work/venv) and a release build.
#   scripts/bench/bf16_sitting.sh [LOG]
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PY=${PY:-/work/venv/bin/python}
BIN=${CNNSPOT:-$ROOT/.build/release/cnnspot}
LOG=${1:-/tmp/bf16_sitting.log}
EVAL_SET=${EVAL_SET:-$ROOT/../shared/data/minisynths2/test}
: > "$LOG"
run() { echo "### $(date -u +%T) load: $(cut -d' ' -f1-3 /proc/loadavg) :: $*" | tee -a "$LOG"; "$@" 2>&1 | tee -a "$LOG"; }
for p in fp32 bf16; do
  run "$BIN" bench --arch resnet50 --precision $p --cases 1x224,1x256,1x1024,16x224 --runs 7 --warmup 2 --threads 2
done
run "$PY" scripts/bench/bench_reference.py --frameworks ort,torch --cases 1x224,1x256,1x1024,16x224 --runs 7 --threads 2
run "$PY" scripts/bench/bench_reference.py --frameworks torch --precision bf16 --cases 1x224,1x256,1x1024,16x224 --runs 7 --threads 2
for arch in efficientnet_lite0 npr; do
  for p in fp32 bf16; do
    run "$BIN" bench --arch $arch --precision $p --cases 1x224,16x224,1x1024 --runs 5 --warmup 1 --threads 2
  done
  run "$PY" scripts/bench/bench_arch_reference.py infer --arch $arch --cases 1x224,16x224,1x1024 --runs 5
done
# End to end: the shipped model on MiniSynths2 test (480 PNGs, full images), 3 rounds interleaved.
for round in 1 2 3; do
  for p in fp32 bf16; do
    out=$(mktemp -d)
    start=$(date +%s.%N)
    "$BIN" eval "$EVAL_SET" --precision $p -o "$out" > /dev/null 2>&1
    end=$(date +%s.%N)
    echo "eval round $round $p: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s" | tee -a "$LOG"
    rm -rf "$out"
  done
done
echo "### $(date -u +%T) done, load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOG"
