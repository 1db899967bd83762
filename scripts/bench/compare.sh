#!/usr/bin/env bash
# Interleaved comparison: cnnspot bench (OMP_WAIT_POLICY=active: spin-waiting, and passive, its default,
# which libgomp reads at process start), onnxruntime and PyTorch on the same cases, ROUNDS times,
# each case run alone so the sides take turns on the machine. Prints the load before each run.
# Usage: scripts/bench/compare.sh [ROUNDS] [CASES] [THREADS]   (defaults: 3 "1x224,1x256,1x1024,16x224" 2)
# Needs a release build (swift build -c release --product cnnspot) and /work/venv (or PYTHON=...).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
CASES=${2:-1x224,1x256,1x1024,16x224}
THREADS=${3:-2}
PYTHON=${PYTHON:-/work/venv/bin/python}
echo "# $(date -u +%FT%TZ) $(uname -m) $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
for round in $(seq "$ROUNDS"); do
  echo "## round $round"
  for c in ${CASES//,/ }; do
    echo "# load $(cut -d' ' -f1-3 /proc/loadavg)"
    OMP_WAIT_POLICY=active .build/release/cnnspot bench --cases "$c" --threads "$THREADS" | sed -n '3p' | sed 's/^/cnnspot-active  /'
    OMP_WAIT_POLICY=passive .build/release/cnnspot bench --cases "$c" --threads "$THREADS" | sed -n '3p' | sed 's/^/cnnspot-passive  /'
    "$PYTHON" scripts/bench/bench_reference.py --cases "$c" --threads "$THREADS" --frameworks ort,torch | sed -n '3,4p'
  done
done
