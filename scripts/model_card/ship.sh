#!/usr/bin/env bash
# Makes models/default.safetensors from a training checkpoint, as docs/MODEL_CARD.md describes:
#   1. threshold calibrated on the run's validation set (never a test set): the lowest threshold
#      whose false-positive rate on the val reals is at most 3%, and an uncertain band whose ends
#      keep 1% of the val reals above it and 1% of the val fakes below it (cnnspot calibrate);
#   2. float16 if every logit on the test corpora stays within 1e-3 of float32, else float32;
#   3. evaluated in the model card's views (evaluate.sh), and the results stored in the metadata
#      with the recipe, the data and the training command.
#   scripts/model_card/ship.sh CHECKPOINT VALSET RECIPE WORKDIR
set -euo pipefail
CKPT=$1; VALSET=$2; RECIPE=$3; WORK=$4
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN=${CNNSPOT:-$ROOT/.build/release/cnnspot}
DATA=${DATA:-$ROOT/../shared/data}
PY=${PYTHON:-python3}
mkdir -p "$WORK"
"$BIN" calibrate "$VALSET" -m "$CKPT" -o "$WORK/calibrated.safetensors" --target fpr:0.03 --uncertain 0.01 \
    | tee "$WORK/calibrate.txt"
"$BIN" convert "$WORK/calibrated.safetensors" "$WORK/fp16.safetensors" --fp16
# fp16 vs fp32 logits on every test image.
for m in calibrated fp16; do
  "$BIN" detect "$DATA/minisynths/test" "$DATA/minisynths2/test" -m "$WORK/$m.safetensors" --format csv -o "$WORK/logits-$m.csv"
done
"$PY" - "$WORK" <<'PY' | tee "$WORK/fp16_check.txt"
import csv, sys, os
w = sys.argv[1]
rows = {m: {r["path"]: float(r["logit"]) for r in csv.DictReader(open(os.path.join(w, f"logits-{m}.csv")))}
        for m in ("calibrated", "fp16")}
d = max(abs(rows["calibrated"][p] - rows["fp16"][p]) for p in rows["calibrated"])
print(f"fp16 vs fp32: {len(rows['calibrated'])} test images, max |logit difference| {d:.3g}")
print("choice:", "fp16" if d <= 1e-3 else "fp32")
PY
choice=$(awk '/^choice:/ {print $2}' "$WORK/fp16_check.txt")
src="$WORK/calibrated.safetensors"; [ "$choice" = fp16 ] && src="$WORK/fp16.safetensors"
"$ROOT/scripts/model_card/evaluate.sh" "$src" "$WORK/eval" realesrgan,taef2 > /dev/null
"$PY" "$ROOT/scripts/model_card/results_json.py" "$WORK/eval" --in-family realesrgan,taef2 > "$WORK/results.json"
flags=(); [ "$choice" = fp16 ] && flags=(--fp16)
"$BIN" convert "$src" "$ROOT/models/default.safetensors" "${flags[@]}" \
    --meta recipe="$RECIPE" \
    --meta "data=MiniSynths v1 train (realesrgan) + cnnspot synth --jpeg-align of ../shared/data/photos (random-transposed, random-nearest, random-bilinear, random-pixelshuffle, ae-transposed, ae-nearest, ae-bilinear, ae-pixelshuffle, taef2); scripts/model_card/make_data.sh" \
    --meta "training_command=scripts/model_card/train_recipes.sh $RECIPE" \
    --meta "model_card=docs/MODEL_CARD.md" \
    --meta-file results="$WORK/results.json" \
    --meta-file results_table="$WORK/eval/table.md"
"$BIN" info "$ROOT/models/default.safetensors" | head -20
