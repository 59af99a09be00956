#!/usr/bin/env bash
# Installs what is missing, then configures and builds CODEX (Release, Ninja) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${CODEX_BUILD_TYPE:-Release}" >/dev/null
cmake --build build
