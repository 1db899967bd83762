#!/usr/bin/env bash
# Builds fuzz/fuzz-checkpoint: ZIPFoundation as an instrumented static module, then the
# CNNSpotCheckpoint sources + harness with -sanitize=fuzzer,address. Needs `swift build` to have
# fetched ZIPFoundation into .build/checkouts.
set -euo pipefail
cd "$(dirname "$0")/.."
ZIP=.build/checkouts/ZIPFoundation/Sources
OUT=.build/fuzz
mkdir -p "$OUT"
swiftc -parse-as-library -O -sanitize=fuzzer,address -module-name ZIPFoundation \
  -I "$ZIP/CZLib" -Xcc -D_GNU_SOURCE=1 -emit-module -emit-module-path "$OUT/ZIPFoundation.swiftmodule" \
  -emit-library -static -o "$OUT/libZIPFoundation.a" "$ZIP"/ZIPFoundation/*.swift
swiftc -parse-as-library -O -sanitize=fuzzer,address -module-name FuzzCheckpoint \
  -I "$OUT" -I "$ZIP/CZLib" -L "$OUT" -lZIPFoundation -lz \
  $(find Sources/CNNSpotCheckpoint -name "*.swift") fuzz/FuzzCheckpoint.swift -o "$OUT/fuzz-checkpoint" \
  2> >(grep -v "Cannot export local symbol" >&2)
echo "built $OUT/fuzz-checkpoint"
# Tensor views alone (no zip reader needed; the same sources, internal initialisers reachable).
swiftc -parse-as-library -O -sanitize=fuzzer,address -module-name FuzzTensorView \
  -I "$OUT" -I "$ZIP/CZLib" -L "$OUT" -lZIPFoundation -lz \
  $(find Sources/CNNSpotCheckpoint -name "*.swift") fuzz/FuzzTensorView.swift -o "$OUT/fuzz-tensor-view" \
  2> >(grep -v "Cannot export local symbol" >&2)
echo "built $OUT/fuzz-tensor-view"
# The GIF, WebP (still and animated) and TIFF C shims with the system libraries (not instrumented).
clang -O1 -g -fsanitize=fuzzer,address -I Sources/CImageShims/include \
  Sources/CImageShims/gif_decode.c Sources/CImageShims/webp_decode.c Sources/CImageShims/webp_anim_decode.c \
  Sources/CImageShims/tiff_decode.c fuzz/fuzz_image_formats.c -lgif -lwebp -lwebpdemux -ltiff -o "$OUT/fuzz-image-formats" \
  2> >(grep -v "Cannot export local symbol" >&2)
echo "built $OUT/fuzz-image-formats"
