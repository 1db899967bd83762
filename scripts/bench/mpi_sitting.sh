#!/usr/bin/env bash
# BENCHMARKS.md "Data-parallel training": on this machine, 1 process x 2 threads against
# 2 MPI ranks x 1 thread (mpirun), the same global batch of real MiniSynths v1 training images
# (full data pipeline: decode, Blur+JPEG 0.5, 224 crop), per architecture; images/s over the
# training steps and the gradient all-reduce per step. Medians of RUNS runs; `uptime` before each.
#   scripts/bench/mpi_sitting.sh [LOG]          (RUNS=3 STEPS=6 BATCH=32 ARCHS="resnet50 efficientnet_lite0")
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
BIN=${CNNSPOT:-$ROOT/.build/release/cnnspot}
LOG=${1:-/tmp/mpi_sitting.log}
RUNS=${RUNS:-3}; STEPS=${STEPS:-6}; BATCH=${BATCH:-32}; ARCHS=${ARCHS:-"resnet50 efficientnet_lite0"}
DATA=$(mktemp -d); WORK=$(mktemp -d)
trap 'rm -rf "$DATA" "$WORK"' EXIT
# train = MiniSynths v1 train; val = 4 images (validation is not what is measured).
ln -s "$ROOT/../shared/data/minisynths/train" "$DATA/train"
for l in 0_real 1_fake; do
  mkdir -p "$DATA/val/realesrgan/$l"
  for f in $(ls "$ROOT/../shared/data/minisynths/val/realesrgan/$l" | sort | head -2); do
    ln -s "$ROOT/../shared/data/minisynths/val/realesrgan/$l/$f" "$DATA/val/realesrgan/$l/$f"
  done
done
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$(dirname "$LOG")"; : > "$LOG"
common=(--dataroot "$DATA" -o "$WORK" --batch-size "$BATCH" --max-steps "$STEPS" --save-latest-freq 100000 --loss-freq 100000
        --blur-prob 0.5 --blur-sig 0,3 --jpg-prob 0.5 --jpg-method cv2,pil --jpg-qual 30,100 --seed 1 --workers 2)
for arch in $ARCHS; do
  for r in $(seq "$RUNS"); do
    for mode in "1x2" "2x1"; do
      name="$arch-$mode-$r"
      echo "### $(date -u +%T) load: $(cut -d' ' -f1-3 /proc/loadavg) :: $arch $mode run $r" | tee -a "$LOG"
      if [ "$mode" = 1x2 ]; then
        "$BIN" train --arch "$arch" --name "$name" "${common[@]}" --threads 2 2>&1 | grep -E "this run|error" | tee -a "$LOG"
      else
        mpirun --oversubscribe -np 2 "$BIN" train --arch "$arch" --name "$name" "${common[@]}" --threads 1 --workers 1 2>&1 \
          | grep -E "this run|error" | tee -a "$LOG"
      fi
    done
  done
done
echo "### $(date -u +%T) done, load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOG"
python3 - "$LOG" <<'PY'
import re, statistics, sys
rows = {}
key = None
for line in open(sys.argv[1]):
    m = re.match(r"### .* :: (\S+) (\S+) run", line)
    if m: key = (m.group(1), m.group(2)); continue
    m = re.search(r"([\d.]+) img/s(?:; gradient all-reduce ([\d.]+) ms/step, waiting for the other ranks ([\d.]+) ms/step)?", line)
    if m and key: rows.setdefault(key, []).append((float(m.group(1)), float(m.group(2) or 0), float(m.group(3) or 0)))
print("| arch | processes x threads | img/s (median) | runs | all-reduce ms/step | waiting ms/step (rank 0, medians) |")
print("|---|---|---|---|---|---|")
for (arch, mode), v in sorted(rows.items()):
    med = lambda i: statistics.median(r[i] for r in v)
    print(f"| {arch} | {mode.replace('x', ' x ')} | {med(0):.2f} | {', '.join(f'{r[0]:.2f}' for r in v)} | "
          + (f"{med(1):.1f} | {med(2):.1f} |" if mode != "1x2" else "- | - |"))
PY
