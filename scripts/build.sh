#!/usr/bin/env bash
# Installs what is missing, then configures and builds CODEX (Release, Ninja) into build/.
# Arguments name the targets to build (default: everything, tests and benches included). On a
# terminal the build shows one progress line; the compiler's output goes to build/build.log, named
# (with its last lines) when the build fails.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
mkdir -p build
LOG=build/build.log
if ! cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${CODEX_BUILD_TYPE:-Release}" >"$LOG" 2>&1; then
  echo "codex build: configuring failed; the last lines of $LOG:" >&2
  tail -n 20 "$LOG" >&2
  exit 1
fi
# One compile per core: Ninja's default (cores + 2) makes a clean build on two cores a sixth slower,
# the compilers evicting each other from the caches.
targets=(--parallel "$(nproc)")
for t in "$@"; do targets+=(--target "$t"); done
set +e
if [ -t 2 ]; then
  cmake --build build "${targets[@]}" 2>&1 | tee -a "$LOG" |
    grep --line-buffered -o '^\[[0-9]*/[0-9]*\]' |
    while read -r step; do printf '\rcodex build: %s ' "$step" >&2; done
  status=${PIPESTATUS[0]}
  printf '\r\033[K' >&2
else
  cmake --build build "${targets[@]}" >>"$LOG" 2>&1
  status=$?
fi
set -e
if [ "$status" -ne 0 ]; then
  echo "codex build: failed; the last lines of $LOG:" >&2
  grep -E 'error|Error' "$LOG" | tail -n 20 >&2 || tail -n 20 "$LOG" >&2
  exit 1
fi
