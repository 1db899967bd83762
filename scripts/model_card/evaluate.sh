#!/usr/bin/env bash
# Evaluates one model in the model card's views, on MiniSynths v1 test and MiniSynths2 test:
#   as the files are (cnnspot eval), every test image re-encoded as JPEG 96 first, JPEG 75,
#   and Gaussian blur sigma 1 (cnnspot robustness; real and fake images alike).
# Then prints the markdown table (summarise.py). Full images, no crop.
#   scripts/model_card/evaluate.sh MODEL OUTDIR [IN_FAMILY_SETS (comma-separated)]
set -euo pipefail
MODEL=$1; OUT=$2; INFAM=${3:-realesrgan}
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN=${CNNSPOT:-$ROOT/.build/release/cnnspot}
DATA=${DATA:-$ROOT/../shared/data}
mkdir -p "$OUT"
for corpus in minisynths minisynths2; do
  mkdir -p "$OUT/$corpus"
  "$BIN" eval "$DATA/$corpus/test" -m "$MODEL" -o "$OUT/$corpus/eval" > "$OUT/$corpus/eval.txt" 2>&1 || true
  "$BIN" robustness "$DATA/$corpus/test" -m "$MODEL" --blur 1 --jpeg 96,75 --resize none \
      -o "$OUT/$corpus/robustness" > "$OUT/$corpus/robustness.txt" 2>&1 || true
done
python3 "$ROOT/scripts/model_card/summarise.py" "$OUT" --in-family "$INFAM" | tee "$OUT/table.md"
