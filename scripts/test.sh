#!/usr/bin/env bash
# Sets up, then runs every test (release build: the image and tensor kernels are slow unoptimised;
# -enable-testing so that tests may use @testable imports of the optimised modules).
set -euo pipefail
cd "$(dirname "$0")/.."
SETUP_BUILD=0 ./scripts/setup.sh
if ! command -v swift >/dev/null 2>&1; then
  for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do [ -x "$d/swift" ] && export PATH="$d:$PATH"; done
fi
# Formatting first (seconds): a file that swift-format would change fails the run.
./scripts/format.sh --check || { echo "test: run scripts/format.sh (swift-format) and commit the result" >&2; exit 1; }
swift build -c release --build-tests -Xswiftc -enable-testing 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
test -x .build/release/cnnspot || { echo "test: build failed" >&2; exit 1; }
swift test -c release --skip-build -Xswiftc -enable-testing --disable-swift-testing 2>&1
