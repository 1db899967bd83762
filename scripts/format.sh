#!/usr/bin/env bash
# swift-format (the toolchain's `swift format`) with the repository's .swift-format:
#   scripts/format.sh          rewrite Sources, Tests and Package.swift in place
#   scripts/format.sh --check  only report; exit 1 if any file is not formatted (CI runs this)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--check" ]; then
  exec swift format lint --strict --recursive --parallel Sources Tests Package.swift
fi
exec swift format format --in-place --recursive --parallel Sources Tests Package.swift
