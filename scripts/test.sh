#!/usr/bin/env bash
# Sets up, then runs every test (release build: the image and tensor kernels are slow unoptimised).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
swift build -c release --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
swift test -c release --skip-build --disable-swift-testing 2>&1
