#!/usr/bin/env bash
# Builds the training sets of the default model's recipes (docs/MODEL_CARD.md), from real photos
# only: the synth families are made here by `cnnspot synth` from ../shared/data/photos (never a
# test photo), and MiniSynths v1's Real-ESRGAN train/val pairs are linked in beside them.
#   scripts/model_card/make_data.sh DATA_DIR        (default /work/data)
# Writes:
#   DATA_DIR/synth-align/   cnnspot synth --jpeg-align   (all families)
#   DATA_DIR/synth-plain/   the same without --jpeg-align
#   DATA_DIR/mix-align/     {train,val}/<family> links: synth-align families + v1 realesrgan
#   DATA_DIR/mix-plain/     the same with synth-plain
#   DATA_DIR/v1-only/       {train,val}/realesrgan links (MiniSynths v1 alone)
# Re-running resumes an interrupted synth (--resume) and leaves finished ones alone.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN=${CNNSPOT:-$ROOT/.build/release/cnnspot}
SHARED=${SHARED:-$ROOT/../shared/data}
OUT=${1:-/work/data}
FAMILIES=random-transposed,random-nearest,random-bilinear,random-pixelshuffle,ae-transposed,ae-nearest,ae-bilinear,ae-pixelshuffle,taef2
mkdir -p "$OUT"

synth() {  # synth NAME [extra flags]
  local name=$1; shift
  local dir="$OUT/$name"
  if [ -f "$dir/MANIFEST.csv" ]; then echo "make_data: $name done"; return; fi
  local resume=()
  [ -d "$dir/.synth" ] && resume=(--resume)
  "$BIN" synth "$SHARED/photos" -o "$dir" --families "$FAMILIES" --seed 2026 "$@" "${resume[@]}" \
      2>&1 | tee -a "$OUT/$name.log"
}

mix() {  # mix NAME SYNTH_DIR|-
  local name=$1 src=$2
  rm -rf "${OUT:?}/$name"
  for split in train val; do
    mkdir -p "$OUT/$name/$split"
    ln -s "$SHARED/minisynths/$split/realesrgan" "$OUT/$name/$split/realesrgan"
    if [ "$src" != - ]; then
      for fam in "$OUT/$src/$split"/*/; do
        ln -s "${fam%/}" "$OUT/$name/$split/$(basename "$fam")"
      done
    fi
  done
}

synth synth-align --jpeg-align
synth synth-plain
mix mix-align synth-align
mix mix-plain synth-plain
mix v1-only -
echo "make_data: done in $OUT"
