#!/usr/bin/env bash
# Installs the native libraries CNNSpot links (Debian 12 package names) when missing,
# then builds the `cnnspot` tool in release mode. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS=(libdnnl-dev libjpeg62-turbo-dev libpng-dev libwebp-dev libgif-dev libtiff-dev pkg-config
      openmpi-bin)  # openmpi-bin: `mpirun -np N cnnspot train` (loaded at run time; its tests need it)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
  for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do [ -x "$d/swift" ] && export PATH="$d:$PATH"; done
fi
# scripts/test.sh builds everything itself (with other flags): SETUP_BUILD=0 skips this build.
if [ "${SETUP_BUILD:-1}" != 0 ]; then
  swift build -c release --product cnnspot 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
  test -x .build/release/cnnspot || { echo "setup: build failed" >&2; exit 1; }
fi
