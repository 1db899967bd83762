#!/usr/bin/env bash
# Sets up, then runs the main job (detection) on the shipped example images.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .build/release/cnnspot detect examples/ "$@"
