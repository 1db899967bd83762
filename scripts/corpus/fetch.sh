#!/usr/bin/env bash
# Fetches the third-party image corpora of issue 13 into third_party/corpus/ (git-ignored;
# never committed), from the registries that package them, with pinned versions:
#   - Pillow 13.0.0's sdist (PyPI): Tests/images, ~1,000 files of every format Pillow reads
#   - libpng 1.6.39's Debian source (deb.debian.org): contrib/pngsuite (PngSuite),
#     contrib/testpngs (incl. crashers)
#   - libjpeg-turbo 2.1.5's Debian source: testimages/
#   - libwebp 1.2.4's Debian source: its few test images (examples/, webp_js/)
# The Debian sources are the library versions Debian 12 links. Archives are checked by SHA-256.
#   ./scripts/corpus/fetch.sh        then: python3 scripts/corpus/run.py (needs Pillow 13.0.0)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/third_party/corpus"
DL="$OUT/downloads"
mkdir -p "$DL"
fetch() {  # URL SHA256
  local f="$DL/$(basename "$1")"
  if [ ! -f "$f" ]; then curl -fsS -m 600 -o "$f.part" "$1"; mv "$f.part" "$f"; fi
  echo "$2  $f" | sha256sum -c --quiet - || { echo "corpus: $f: checksum mismatch" >&2; exit 1; }
}
# (`pip download --no-binary` would build Pillow's build dependencies from source first.)
fetch https://files.pythonhosted.org/packages/ce/a4/9cc30690a394a8305e8be4c9036aa16d0dfddadd09079860b582f562496d/pillow-13.0.0.tar.gz \
  cdcd1ba258178f7356d74170c9a81ba4eab6a5d55748bc402a5a2a6fe6be3510
DEB=http://deb.debian.org/debian/pool/main
fetch $DEB/libp/libpng1.6/libpng1.6_1.6.39.orig.tar.gz a00e9d2f2f664186e4202db9299397f851aea71b36a35e74910b8820e380d441
fetch $DEB/libj/libjpeg-turbo/libjpeg-turbo_2.1.5.orig.tar.gz 254f3642b04e309fee775123133c6464181addc150499561020312ec61c1bf7c
fetch $DEB/libw/libwebp/libwebp_1.2.4.orig.tar.gz 7bf5a8a28cc69bcfa8cb214f2c3095703c6b73ac5fba4d5480c205331d9494df
rm -rf "$OUT/files" && mkdir -p "$OUT/files"
x() {  # ARCHIVE DEST PATTERN...
  local a=$1 d=$2; shift 2
  mkdir -p "$OUT/files/$d"
  tar -xzf "$DL/$a" -C "$OUT/files/$d" --wildcards --strip-components=1 "$@"
}
x pillow-13.0.0.tar.gz pillow '*/Tests/images/*'
x libpng1.6_1.6.39.orig.tar.gz libpng '*/contrib/pngsuite/*' '*/contrib/testpngs/*'
x libjpeg-turbo_2.1.5.orig.tar.gz libjpeg-turbo '*/testimages/*'
x libwebp_1.2.4.orig.tar.gz libwebp '*.webp' '*.ppm'
find "$OUT/files" -type f | wc -l | xargs echo "corpus: files in $OUT/files:"
