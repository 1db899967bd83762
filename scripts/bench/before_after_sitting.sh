#!/usr/bin/env bash
# BENCHMARKS.md "Refactor (issue 16): before and after": two builds of cnnspot in one sitting,
# interleaved (before, after, before, after), on inference (`cnnspot bench`, ResNet-50 and the
# shipped architecture EfficientNet-Lite0, synthetic weights) and training (`cnnspot train` steps
# with the data pipeline, bench_train_swift.py), with onnxruntime on the same ResNet-50 input
# beside them. `uptime` before each step.
#   BEFORE=path/to/old/cnnspot AFTER=path/to/new/cnnspot scripts/bench/before_after_sitting.sh [LOG]
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PY=${PY:-/work/venv/bin/python}
BEFORE=${BEFORE:?BEFORE=old cnnspot binary}
AFTER=${AFTER:-$ROOT/.build/release/cnnspot}
LOG=${1:-/tmp/before_after_sitting.log}
: > "$LOG"
run() { echo "### $(date -u +%T) load: $(cut -d' ' -f1-3 /proc/loadavg) :: $*" | tee -a "$LOG"; "$@" 2>&1 | tee -a "$LOG"; }
for round in 1 2; do
  for which in BEFORE AFTER; do
    bin=${!which}
    echo "## round $round $which $bin" | tee -a "$LOG"
    run "$bin" bench --arch resnet50 --cases 1x224,16x224 --runs 7 --warmup 2 --threads 2
    run "$bin" bench --arch efficientnet_lite0 --cases 1x224,16x224 --runs 7 --warmup 2 --threads 2
    run env CNNSPOT="$bin" "$PY" scripts/bench/bench_train_swift.py --batch 16 --steps 3 --runs 3
  done
done
run "$PY" scripts/bench/bench_reference.py --frameworks ort --cases 1x224,16x224 --runs 7 --threads 2
echo "### $(date -u +%T) done, load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOG"
