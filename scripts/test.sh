#!/usr/bin/env bash
# Installs, builds, and runs the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
cd build
# Each fuzz target runs this long (scripts/fuzz.sh runs them longer).
export CODEX_FUZZ_SECONDS="${CODEX_FUZZ_SECONDS:-10}"
ctest --output-on-failure -j "$(nproc)"
